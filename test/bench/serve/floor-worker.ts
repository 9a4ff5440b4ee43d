/**
 * The serving floor of workerd itself: read the body, answer a fixed JSON, nothing of ours. The
 * serve bench loads it like the worker, next to the reference's own bare `/floor` path.
 */
export default {
  async fetch(request: Request): Promise<Response> {
    await request.text();
    return new Response('{"ok":true}', { headers: { 'content-type': 'application/json' } });
  },
};
