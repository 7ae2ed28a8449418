/** The API key from the environment, for the server-side entries (Node, Bun, Deno); never a browser's. */
export function envKey(): string | undefined {
  try {
    const value = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.["ANDOPEN_API_KEY"];
    return value === "" ? undefined : value;
  } catch {
    return undefined; // Deno without --allow-env
  }
}
