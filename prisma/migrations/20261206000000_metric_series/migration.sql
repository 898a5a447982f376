-- Metrics stored per series: a run's metric key becomes a MetricSeries row, its points are keyed by
-- (seriesId, step) — a narrow row and a two-integer primary key instead of (runId, key, step) — and
-- MetricSummary keeps min/max/sum/count per step bucket of width 16^level (level 1…5), maintained at ingest.

-- CreateTable
CREATE TABLE "MetricSeries" (
    "id" SERIAL NOT NULL,
    "runId" TEXT NOT NULL,
    "key" TEXT NOT NULL,

    CONSTRAINT "MetricSeries_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "MetricSummary" (
    "seriesId" INTEGER NOT NULL,
    "level" INTEGER NOT NULL,
    "bucket" INTEGER NOT NULL,
    "count" INTEGER NOT NULL,
    "sum" DOUBLE PRECISION NOT NULL,
    "min" DOUBLE PRECISION NOT NULL,
    "max" DOUBLE PRECISION NOT NULL,
    "firstStep" INTEGER NOT NULL,
    "lastStep" INTEGER NOT NULL,

    CONSTRAINT "MetricSummary_pkey" PRIMARY KEY ("seriesId","level","bucket")
);

-- CreateIndex
CREATE UNIQUE INDEX "MetricSeries_runId_key_key" ON "MetricSeries"("runId", "key");

-- AddForeignKey
ALTER TABLE "MetricSeries" ADD CONSTRAINT "MetricSeries_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MetricSummary" ADD CONSTRAINT "MetricSummary_seriesId_fkey" FOREIGN KEY ("seriesId") REFERENCES "MetricSeries"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- The points move to the new layout.
ALTER TABLE "MetricPoint" DROP CONSTRAINT "MetricPoint_runId_fkey";
ALTER TABLE "MetricPoint" RENAME CONSTRAINT "MetricPoint_pkey" TO "MetricPoint_before_series_pkey";
ALTER TABLE "MetricPoint" RENAME TO "MetricPoint_before_series";

CREATE TABLE "MetricPoint" (
    "seriesId" INTEGER NOT NULL,
    "step" INTEGER NOT NULL,
    "value" DOUBLE PRECISION NOT NULL,
    "wallTime" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "MetricPoint_pkey" PRIMARY KEY ("seriesId","step")
);

INSERT INTO "MetricSeries" ("runId", "key")
SELECT DISTINCT "runId", "key" FROM "MetricPoint_before_series" ORDER BY 1, 2;

INSERT INTO "MetricPoint" ("seriesId", "step", "value", "wallTime")
SELECT s."id", o."step", o."value", o."wallTime"
FROM "MetricPoint_before_series" o JOIN "MetricSeries" s USING ("runId", "key")
ORDER BY 1, 2;

DROP TABLE "MetricPoint_before_series";

INSERT INTO "MetricSummary" ("seriesId", "level", "bucket", "count", "sum", "min", "max", "firstStep", "lastStep")
SELECT p."seriesId", l.level, p."step" >> (4 * l.level), count(*), sum(p."value"), min(p."value"), max(p."value"), min(p."step"), max(p."step")
FROM "MetricPoint" p CROSS JOIN generate_series(1, 5) AS l(level)
GROUP BY 1, 2, 3;

-- No foreign key from MetricPoint to MetricSeries (its per-row check is the largest cost of a bulk insert);
-- the points of deleted series (a run deleted) go with them here, once per DELETE statement.
CREATE FUNCTION "MetricSeries_delete_points"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM "MetricPoint" p USING gone WHERE p."seriesId" = gone."id";
  RETURN NULL;
END
$$;

CREATE TRIGGER "MetricSeries_delete_points" AFTER DELETE ON "MetricSeries"
REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION "MetricSeries_delete_points"();
