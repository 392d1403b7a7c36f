import { Controller, Get, Module } from '@nestjs/common';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AuthenticatedUser, CurrentUser, Public } from '../src/auth';
import { Note } from './fixtures/notes/note.entity';
import { NotesModule } from './fixtures/notes/notes.module';
import { OpenApiDocument } from './support/served-routes';
import { bearer, createTestApp, login, registerAndLogin, resetDatabase, TestApp } from './support/test-app';

const FIXTURE = join(__dirname, 'fixtures', 'notes');

function fixtureFiles(folder = FIXTURE): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? fixtureFiles(join(folder, entry.name)) : [join(folder, entry.name)],
  );
}

/**
 * Another team's module (test/fixtures/notes/, the one docs/extension.md walks
 * through), mounted as one line in AppModule would mount it: its own entity,
 * table and migration, routes, error codes and Nest exceptions, and not one
 * line of auth code.
 */
describe('A module of another team (docs/extension.md)', () => {
  let t: TestApp;
  let ada: { userId: number; token: string };
  let bob: { userId: number; token: string };

  beforeAll(async () => {
    t = await createTestApp({ imports: [NotesModule] });
    await resetDatabase(t.db);
    ada = await registerAndLogin(t.http, 'ada@example.com');
    bob = await registerAndLogin(t.http, 'bob@example.com');
  });
  afterAll(() => t.close());

  it('takes everything it needs of the service from one import path', () => {
    const imports = fixtureFiles().flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/from '([^']*\/src\/[^']*)'/g)].map((match) => match[1]),
    );
    expect(imports.length).toBeGreaterThan(0);
    expect(new Set(imports)).toEqual(new Set(['../../../src/auth']));
  });

  it('guards its routes with no auth code of its own', async () => {
    const response = await t.http.get('/notes').expect(401);
    expect(response.headers['www-authenticate']).toBe('Bearer');
    expect(response.body).toEqual({ statusCode: 401, code: 'UNAUTHENTICATED', message: 'Authentication is required' });
    await t.http.post('/notes').send({ title: 'x', text: 'y' }).expect(401);
  });

  it('writes to its own table, created by its own migration, through its own entity', async () => {
    const created = await t.http.post('/notes').set(bearer(ada.token)).send({ title: 'Groceries', text: 'eggs' }).expect(201);

    expect(created.body).toEqual({ id: expect.any(Number), title: 'Groceries', text: 'eggs', publishedAt: null, mine: true });
    const rows: unknown[] = await t.db.query('SELECT user_id AS userId, title FROM notes');
    expect(rows).toEqual([{ userId: ada.userId, title: 'Groceries' }]);
    expect(t.db.getMetadata(Note).tableName).toBe('notes');
    const listed = await t.http.get('/notes').set(bearer(ada.token)).expect(200);
    expect(listed.body).toEqual([created.body]);
    await t.http.get('/notes').set(bearer(bob.token)).expect(200, []);
  });

  it('answers with a code of its own, declared in the module, with its status and message', async () => {
    await t.http.post('/notes').set(bearer(ada.token)).send({ title: 'Taken', text: '' }).expect(201);

    const response = await t.http.post('/notes').set(bearer(ada.token)).send({ title: 'Taken', text: 'again' }).expect(409);

    expect(response.body).toEqual({ statusCode: 409, code: 'NOTE_TITLE_TAKEN', message: 'You already have a note with this title' });
    await t.http.post('/notes').set(bearer(bob.token)).send({ title: 'Taken', text: 'mine' }).expect(201);
  });

  it("keeps the status and message of Nest's exceptions, with the code named after the status", async () => {
    const created = await t.http.post('/notes').set(bearer(ada.token)).send({ title: 'Essay', text: 'draft' }).expect(201);
    const id = (created.body as { id: number }).id;
    await t.http.post(`/notes/${id}/publish`).set(bearer(ada.token)).expect(200);

    const again = await t.http.post(`/notes/${id}/publish`).set(bearer(ada.token)).expect(409);
    expect(again.body).toEqual({ statusCode: 409, code: 'CONFLICT', message: 'This note is already published' });

    const foreign = await t.http.post(`/notes/${id}/publish`).set(bearer(bob.token)).expect(404);
    expect(foreign.body).toEqual({ statusCode: 404, code: 'NOT_FOUND', message: 'No such note' });

    // Its ids go through the shared RowIdPipe: anything but canonical digits is no note.
    for (const malformed of ['abc', `0x${id.toString(16)}`, `0${id}`]) {
      const answer = await t.http.post(`/notes/${malformed}/publish`).set(bearer(ada.token)).expect(404);
      expect(answer.body).toEqual({ statusCode: 404, code: 'NOT_FOUND', message: 'No such note' });
    }
  });

  it('validates its bodies like every route: unknown fields and wrong types get 400 VALIDATION_FAILED', async () => {
    const unknown = await t.http.post('/notes').set(bearer(ada.token)).send({ title: 'x', text: 'y', userId: 1 }).expect(400);
    expect(unknown.body).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ field: 'userId', message: expect.any(String) }] });
    const wrong = await t.http.post('/notes').set(bearer(ada.token)).send({ title: 7, text: 'y' }).expect(400);
    expect(wrong.body).toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it('gives a @Public() route the user when a valid token came, and null when none or a bad one did', async () => {
    const published = (await t.http.get('/notes/published').expect(200)).body as Array<{ title: string; mine: boolean }>;
    expect(published).toEqual([expect.objectContaining({ title: 'Essay', mine: false })]);

    const asAda = (await t.http.get('/notes/published').set(bearer(ada.token)).expect(200)).body as typeof published;
    expect(asAda).toEqual([expect.objectContaining({ title: 'Essay', mine: true })]);
    const asBob = (await t.http.get('/notes/published').set(bearer(bob.token)).expect(200)).body as typeof published;
    expect(asBob).toEqual([expect.objectContaining({ title: 'Essay', mine: false })]);

    const revoked = await login(t.http, 'ada@example.com');
    await t.http.post('/auth/logout').set(bearer(revoked)).expect(204);
    const withRevoked = (await t.http.get('/notes/published').set(bearer(revoked)).expect(200)).body as typeof published;
    expect(withRevoked).toEqual([expect.objectContaining({ mine: false })]);
    await t.http.get('/notes/published').set('Authorization', 'Bearer junk').expect(200);
  });

  it('shows up in the API docs: secured unless @Public(), with its scopes, roles and own error codes', async () => {
    const { paths } = (await t.http.get('/docs-json').expect(200)).body as OpenApiDocument;

    expect(paths['/notes']?.get?.security).toEqual([{ bearer: [] }, { oauth2: ['notes:read'] }]);
    expect(paths['/notes/all']?.get?.responses['403']?.description.split(', ')).toEqual(expect.arrayContaining(['FORBIDDEN']));
    expect(Object.keys(paths['/notes']?.get?.responses ?? {})).toEqual(expect.arrayContaining(['401']));
    expect(paths['/notes/published']?.get?.security).toEqual([]);
    expect(paths['/notes']?.post?.responses['409']?.description).toBe('NOTE_TITLE_TAKEN');
    expect(paths['/notes/{id}/publish']?.post?.responses['409']?.description).toBe('CONFLICT');
  });

  it('loses its rows when the test database is reset, as every table of every entity does', async () => {
    await resetDatabase(t.db);
    const [{ n }] = await t.db.query<Array<{ n: string }>>('SELECT COUNT(*) AS n FROM notes');
    expect(Number(n)).toBe(0);
  });
});

describe('A plain @CurrentUser() on a @Public() route', () => {
  @Controller('greetings')
  class GreetingsController {
    @Public()
    @Get('mine')
    mine(@CurrentUser() user: AuthenticatedUser) {
      return { hello: user.email };
    }
  }
  @Module({ controllers: [GreetingsController] })
  class GreetingsModule {}

  it('stops the application at start-up, naming the route, instead of failing requests with 500', async () => {
    await expect(createTestApp({ imports: [GreetingsModule] })).rejects.toThrow(
      /@CurrentUser\(\)\/@CurrentSession\(\) on a @Public\(\) route .*GET \/greetings\/mine \(GreetingsController\.mine\)/,
    );
  });
});

describe('docs/extension.md', () => {
  it('names every file of the fixture, and shows the ones it quotes as they are (with the import path a module under src/ writes)', () => {
    const root = join(__dirname, '..');
    const section = readFileSync(join(root, 'docs', 'extension.md'), 'utf8');
    const files = fixtureFiles().map((file) => file.slice(root.length + 1));
    const blocks = [...section.matchAll(/```ts\n\/\/ (test\/fixtures\/notes\/[\w./-]+)\n([\s\S]*?)```/g)];

    for (const file of files) expect({ file, named: section.includes(file) }).toEqual({ file, named: true });
    expect(blocks.length).toBeGreaterThanOrEqual(4);
    for (const [, file, shown] of blocks) {
      const actual = readFileSync(join(root, file), 'utf8').replaceAll("'../../../src/auth'", "'../auth'");
      expect({ file, shown }).toEqual({ file, shown: actual });
    }
  });
});
