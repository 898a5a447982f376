import { SCALE_NAMES, type ScaleName } from '@ktlab/study';
import { BenchmarkTableView } from '../../components/benchmark-table-view';
import { StudyChecks } from '../../components/study-checks';
import { StudyLaunch } from '../../components/study-launch';
import { StudyTransfer } from '../../components/study-transfer';
import { PageHeader } from '../../components/ui/page-header';

export default async function BenchmarksPage({ searchParams }: { searchParams: Promise<{ study?: string; sweep?: string }> }) {
  const { study, sweep } = await searchParams;
  const scale = SCALE_NAMES.find((name) => name === study) as ScaleName | undefined;
  return (
    <div className="space-y-6">
      <PageHeader
        title="Benchmark tables"
        description="The paper’s tables from your finished runs: rows are methods, cells are mean ± std over seeds, the best of each column in bold. Click a cell to see its runs."
      />
      <StudyLaunch initialScale={scale} />
      {/* A study's ordering checks sit beside its tables (below them on narrow screens). */}
      <div className={study ? 'grid items-start gap-6 xl:grid-cols-[minmax(0,1fr)_26rem]' : ''}>
        {/* Keyed by study and sweep: other runs start from the default table choices. */}
        <div className="min-w-0 space-y-6">
          <BenchmarkTableView key={`${study ?? ''}|${sweep ?? ''}`} study={study || undefined} sweep={sweep || undefined} />
          {/* Table 3 (classification, detection, segmentation) once the study has dense results. */}
          {study && <StudyTransfer study={study} />}
        </div>
        {study && <StudyChecks study={study} />}
      </div>
    </div>
  );
}
