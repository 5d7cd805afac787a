type Outputs = Record<string, { imports: { path: string; kind: string }[]; entryPoint?: string }>;
export function staticClosure(outputs: Outputs, file: string, seen?: Set<string>): Set<string>;
export function chunkOf(outputs: Outputs, source: string): string | undefined;
export const firstPageSource: string;
