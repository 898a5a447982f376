import { ClusterBrowser } from '../../../../components/cluster-browser';

export default async function RunClustersPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <ClusterBrowser runId={id} />;
}
