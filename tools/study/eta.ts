/** The study's overall ETA: remaining cells × the mean measured cell time so far (the scale's estimate before any). */
export function etaSeconds(measured: readonly number[], remainingCells: number, estimatePerCell: number): number {
  const perCell = measured.length ? measured.reduce((sum, value) => sum + value, 0) / measured.length : estimatePerCell;
  return Math.max(0, remainingCells * perCell);
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}
