-- MetricSummary loses its foreign key to MetricSeries, as MetricPoint did (20261206000000_metric_series): the
-- check runs per summary row (a KEY SHARE lock on the series row through SPI), about a tenth of the cost of a
-- metric batch's insert statement. Ingest writes summaries only for series it has just looked up or created;
-- the series' delete trigger now removes its summaries as well as its points.
ALTER TABLE "MetricSummary" DROP CONSTRAINT "MetricSummary_seriesId_fkey";

CREATE OR REPLACE FUNCTION "MetricSeries_delete_points"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM "MetricPoint" p USING gone WHERE p."seriesId" = gone."id";
  DELETE FROM "MetricSummary" m USING gone WHERE m."seriesId" = gone."id";
  RETURN NULL;
END
$$;
