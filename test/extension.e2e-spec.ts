import { NotesModule } from './fixtures/notes.module';
import { bearer, createTestApp, registerAndLogin, resetDatabase, TestApp } from './support/test-app';

describe('Adding a guarded module (README: "Add a guarded module")', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ imports: [NotesModule] });
    await resetDatabase(t.db);
  });
  afterAll(() => t.close());

  it('guards its routes with no auth code of its own', async () => {
    const response = await t.http.get('/notes').expect(401);
    expect(response.headers['www-authenticate']).toBe('Bearer');
  });

  it('gives its handlers the current user through @CurrentUser()', async () => {
    const { userId, token } = await registerAndLogin(t.http, 'notes@example.com');

    const response = await t.http.get('/notes').set(bearer(token)).expect(200);

    expect(response.body).toEqual({ owner: { id: userId, email: 'notes@example.com' }, notes: [] });
  });

  it('shows up in the API docs, secured unless @Public()', async () => {
    const { paths } = (await t.http.get('/docs-json').expect(200)).body;

    expect(paths['/notes'].get.security).toBeUndefined();
    expect(Object.keys(paths['/notes'].get.responses)).toEqual(expect.arrayContaining(['401']));
    expect(paths['/notes/about'].get.security).toEqual([]);
  });

  it('refuses a revoked token there too', async () => {
    const { token } = await registerAndLogin(t.http, 'revoked-notes@example.com');
    await t.http.post('/auth/logout').set(bearer(token)).expect(204);
    await t.http.get('/notes').set(bearer(token)).expect(401);
  });

  it('leaves a route marked @Public() open', async () => {
    await t.http.get('/notes/about').expect(200, { name: 'notes' });
  });
});
