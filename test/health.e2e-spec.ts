import { useTestApp } from './support/test-app';

describe('GET /health', () => {
  const t = useTestApp();

  it('answers 200 with the database up, without a token', async () => {
    const response = await t.http.get('/health').expect(200);
    expect(response.body).toEqual({ status: 'ok', database: 'up' });
  });

  it('answers unknown routes with 404 NOT_FOUND in the error body', async () => {
    const response = await t.http.get('/no/such/route').expect(404);
    expect(response.body).toEqual({ statusCode: 404, code: 'NOT_FOUND', message: expect.any(String) });
  });

  it('never sends X-Powered-By', async () => {
    const response = await t.http.get('/health');
    expect(response.headers['x-powered-by']).toBeUndefined();
  });
});
