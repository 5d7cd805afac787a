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
  const counter = new RecordCounter(format);
  for (;;) {
    if (signal?.aborted) {
      await reader.cancel();
      throw new DOMException('Export cancelled', 'AbortError');
    }
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    counter.push(value);
    onProgress(counter.records);
  }
  const rows = counter.records;
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

/**
 * Counts the records of an export as its bytes arrive, in chunks cut anywhere. NDJSON has one
 * record per line (JSON escapes line breaks inside strings). A CSV record ends at a line feed
 * outside quotes — a comment with line breaks is one quoted cell — and the first line is the
 * header. Bytes can be scanned one by one: in UTF-8 no byte of a multi-byte character is a quote
 * or a line feed.
 */
export class RecordCounter {
  private lines = 0;
  private quoted = false;

  constructor(private readonly format: 'csv' | 'ndjson') {}

  push(bytes: Uint8Array): void {
    if (this.format === 'ndjson') {
      for (const byte of bytes) if (byte === 10) this.lines++;
      return;
    }
    // A doubled quote inside a quoted cell toggles twice, so it leaves the state as it was.
    for (const byte of bytes) {
      if (byte === 34) this.quoted = !this.quoted;
      else if (byte === 10 && !this.quoted) this.lines++;
    }
  }

  /** Records so far (the CSV header is not one). */
  get records(): number {
    return this.format === 'csv' ? Math.max(0, this.lines - 1) : this.lines;
  }
}
