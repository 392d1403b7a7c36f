/** The largest answer read from a provider: discovery documents, key sets and token answers are a few kilobytes. */
const MAX_PROVIDER_BODY_BYTES = 1024 * 1024;

/**
 * `fetch` for requests to identity providers, reading at most 1 MiB of any
 * answer: a provider that answers a huge body (or an endless one) fails the
 * request at that size instead of filling the memory of the instance.
 */
export async function boundedFetch(url: string, options: RequestInit): Promise<Response> {
  const response = await fetch(url, options);
  const declared = Number(response.headers.get('content-length') ?? 0);
  if (declared > MAX_PROVIDER_BODY_BYTES) {
    await response.body?.cancel();
    throw new Error(`the provider's answer is larger than ${MAX_PROVIDER_BODY_BYTES} bytes`);
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = response.body?.getReader() as ReadableStreamDefaultReader<Uint8Array> | undefined;
  for (let read = await reader?.read(); reader && read && !read.done; read = await reader.read()) {
    size += read.value.byteLength;
    if (size > MAX_PROVIDER_BODY_BYTES) {
      await reader.cancel();
      throw new Error(`the provider's answer is larger than ${MAX_PROVIDER_BODY_BYTES} bytes`);
    }
    chunks.push(read.value);
  }
  const body = [101, 204, 205, 304].includes(response.status) ? null : Buffer.concat(chunks);
  return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
}
