/**
 * Downloads GET /v1/responses/export as a file while counting rows as they stream in, so a large
 * export shows progress instead of a frozen button.
 */
export async function downloadExport(
  fetchRaw: (path: string) => Promise<Response>,
  query: URLSearchParams,
  format: 'csv' | 'ndjson',
  onProgress: (rows: number) => void,
  signal?: AbortSignal,
): Promise<number> {
  const params = new URLSearchParams(query);
  params.set('format', format);
  const response = await fetchRaw(`/v1/responses/export?${params}`);
  if (!response.ok || !response.body) {
    let detail = `The export failed (${response.status})`;
    try {
      detail = (await response.json()).detail ?? detail;
    } catch {
      // not a problem document
    }
    throw new Error(detail);
  }
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let lines = 0;
  for (;;) {
    if (signal?.aborted) {
      await reader.cancel();
      throw new DOMException('Export cancelled', 'AbortError');
    }
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    for (const byte of value) if (byte === 10) lines++;
    onProgress(format === 'csv' ? Math.max(0, lines - 1) : lines);
  }
  const rows = format === 'csv' ? Math.max(0, lines - 1) : lines;
  const blob = new Blob(chunks as BlobPart[], {
    type: format === 'csv' ? 'text/csv' : 'application/x-ndjson',
  });
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = `responses-${new Date().toISOString().slice(0, 10)}.${format}`;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return rows;
}
