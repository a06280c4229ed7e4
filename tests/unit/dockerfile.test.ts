// The container image's Dockerfile, checked by a parser (dockerfile-ast) since no image can be
// built here: no container daemon runs on these machines and the base image cannot be pulled.
// What it checks is what the README promises: Node 22 slim, the CLI only (production
// dependencies, no Electron), run from its bundle built in a build stage, `barrage` as the
// entrypoint, every copied path present, not root.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Copy, DockerfileParser } from 'dockerfile-ast';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const text = readFileSync(path.join(root, 'Dockerfile'), 'utf8');
const dockerfile = DockerfileParser.parse(text);
const instructions = dockerfile.getInstructions();
const of = (keyword: string) => instructions.filter((i) => i.getKeyword() === keyword);
/** The final stage's instructions: what the image holds and runs (the build stage is left behind). */
const lastFrom = instructions.findLastIndex((i) => i.getKeyword() === 'FROM');
const image = instructions.slice(lastFrom);
const inImage = (keyword: string) => image.filter((i) => i.getKeyword() === keyword);
const KNOWN = ['FROM', 'RUN', 'CMD', 'LABEL', 'EXPOSE', 'ENV', 'ADD', 'COPY', 'ENTRYPOINT', 'VOLUME', 'USER', 'WORKDIR', 'ARG', 'ONBUILD', 'STOPSIGNAL', 'HEALTHCHECK', 'SHELL'];

describe('Dockerfile', () => {
  it('parses into known instructions only', () => {
    expect(instructions.length).toBeGreaterThan(5);
    for (const i of instructions) expect(KNOWN, `line ${i.getRange().start.line + 1}`).toContain(i.getKeyword());
  });

  it('builds on Node 22 slim: a build stage for the bundle, then the image', () => {
    const from = dockerfile.getFROMs();
    expect(from).toHaveLength(2);
    for (const f of from) {
      expect(f.getImageName()).toBe('node');
      expect(f.getImageTag()).toMatch(/^22(\.\d+)*-slim$/);
    }
    expect(from[0].getBuildStage()).toBe('bundle');
  });

  it('builds the CLI bundle in the build stage and runs it in the image', () => {
    const buildRuns = instructions.slice(0, lastFrom).filter((i) => i.getKeyword() === 'RUN').map((i) => i.getArgumentsContent() ?? '');
    expect(buildRuns).toEqual(expect.arrayContaining([expect.stringMatching(/^npm ci --ignore-scripts\b/), 'BARRAGE_BUNDLE_DIR=/opt/barrage/cli node bin/cliBundle.js']));
    const fromBundle = inImage('COPY').filter((c) => c instanceof Copy && c.getFromFlag()?.getValue() === 'bundle');
    expect(fromBundle.map((c) => c.getArgumentsContent())).toEqual(['/opt/barrage/cli ./cli']);
    expect(inImage('ENV').map((e) => e.getArgumentsContent())).toContain('BARRAGE_BUNDLE_DIR=/opt/barrage/cli');
    // The launcher honours it (bin/cliBundle.js freshBundle).
    expect(readFileSync(path.join(root, 'bin/cliBundle.js'), 'utf8')).toMatch(/process\.env\.BARRAGE_BUNDLE_DIR/);
  });

  it('installs production dependencies only in the image, from the lock file, without Electron', () => {
    const runs = inImage('RUN').map((i) => i.getArgumentsContent() ?? '');
    const install = runs.find((r) => /\bnpm ci\b/.test(r));
    expect(install).toMatch(/--omit=dev/);
    for (const i of instructions) expect(i.getArgumentsContent() ?? '').not.toMatch(/electron/i);
    const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
    expect(Object.keys(pkg.dependencies)).not.toContain('electron');
    expect(Object.keys(pkg.devDependencies)).toContain('electron');
  });

  it('copies only paths that exist, and enough to run the CLI', () => {
    // From the build context (a COPY --from copies out of the build stage).
    const fromContext = of('COPY').filter((c) => c instanceof Copy && c.getFromFlag() === null);
    const sources = fromContext.flatMap((c) => c.getArguments().slice(0, -1).map((a) => a.getValue()));
    for (const s of sources) expect(existsSync(path.join(root, s)), s).toBe(true);
    expect(sources).toEqual(expect.arrayContaining(['package.json', 'package-lock.json', 'bin', 'src/main', 'src/shared']));
    // The CLI imports nothing outside them (the renderer is the app's, not the CLI's).
    expect(readFileSync(path.join(root, 'bin/barrage.js'), 'utf8')).toMatch(/\.\.\/src\/main\/cli\/index\.ts/);
  });

  it('runs barrage as its entrypoint (exec form), not as root', () => {
    const entry = of('ENTRYPOINT');
    expect(entry).toHaveLength(1);
    expect(entry[0].getArgumentsContent()).toBe('["barrage"]');
    expect(text).toMatch(/ln -s \/opt\/barrage\/bin\/barrage\.js \/usr\/local\/bin\/barrage/);
    const users = of('USER');
    expect(users.at(-1)?.getArgumentsContent()).toBe('node');
  });

  it('keeps node_modules and the app out of the build context', () => {
    const ignore = readFileSync(path.join(root, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim());
    expect(ignore).toEqual(expect.arrayContaining(['node_modules', '.git', 'src/renderer']));
  });
});
