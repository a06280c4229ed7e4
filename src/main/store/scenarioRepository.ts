// Saved scenarios: the same validated schema as `barrage run --scenario` files, by unique name.
import { parseScenario, type Scenario } from '../../shared/scenario.ts';
import type { StoreContext } from './storeContext.ts';
import { StoreError } from './storeError.ts';
import type { StoredScenario } from '../../shared/history.ts';

interface ScenarioRow {
  id: number;
  name: string;
  config: string;
  created_at: string;
  updated_at: string;
  baseline_run_id: number | null;
}

export class ScenarioRepository {
  private readonly ctx: StoreContext;

  constructor(ctx: StoreContext) {
    this.ctx = ctx;
  }

  /**
   * Creates the scenario, or replaces the configuration of the one with this name. The config
   * is validated (defaults filled in) and its `name` set to the scenario's, so a scenario
   * exported back to a file runs under the same name.
   */
  save(name: string, config: unknown): StoredScenario {
    const trimmed = this.checkName(name);
    const parsed = parseScenario(withName(config, trimmed));
    if (!parsed.ok) {
      throw new StoreError('invalid', this.ctx.file, `scenario "${trimmed}" is not valid:\n${parsed.error}`);
    }
    return this.ctx.write(() => {
      const now = new Date().toISOString();
      this.ctx
        .stmt(
          `INSERT INTO scenarios (name, config, created_at, updated_at) VALUES (?, ?, ?, ?)
           ON CONFLICT (name) DO UPDATE SET config = excluded.config, updated_at = excluded.updated_at`,
        )
        .run(trimmed, JSON.stringify(parsed.value), now, now);
      return this.byName(trimmed)!;
    });
  }

  list(): StoredScenario[] {
    return this.ctx.read(() =>
      (this.ctx.stmt('SELECT * FROM scenarios ORDER BY name COLLATE NOCASE, name').all() as ScenarioRow[]).map(toScenario),
    );
  }

  /** By exact name first, then by id (a name may itself look like a number). */
  get(nameOrId: string | number): StoredScenario | undefined {
    return this.ctx.read(() => {
      if (typeof nameOrId === 'string') {
        const byName = this.byName(nameOrId.trim());
        if (byName || !/^\d+$/.test(nameOrId.trim())) return byName;
      }
      const row = this.ctx.stmt('SELECT * FROM scenarios WHERE id = ?').get(Number(nameOrId)) as ScenarioRow | undefined;
      return row ? toScenario(row) : undefined;
    });
  }

  /** Runs of the scenario stay, with their own snapshot of its name and configuration. */
  delete(nameOrId: string | number): boolean {
    return this.ctx.write(() => {
      const s = this.get(nameOrId);
      if (!s) return false;
      this.ctx.stmt('DELETE FROM scenarios WHERE id = ?').run(s.id);
      return true;
    });
  }

  rename(nameOrId: string | number, newName: string): StoredScenario {
    const trimmed = this.checkName(newName);
    return this.ctx.write(() => {
      const s = this.require(nameOrId);
      if (s.name === trimmed) return s;
      if (this.byName(trimmed)) {
        throw new StoreError('conflict', this.ctx.file, `a scenario named "${trimmed}" already exists`);
      }
      const config: Scenario = { ...s.config, name: trimmed };
      this.ctx
        .stmt('UPDATE scenarios SET name = ?, config = ?, updated_at = ? WHERE id = ?')
        .run(trimmed, JSON.stringify(config), new Date().toISOString(), s.id);
      return this.byName(trimmed)!;
    });
  }

  /** The run new runs of this scenario are compared against; null clears it. */
  setBaseline(scenarioId: number, runId: number | null): void {
    this.ctx.write(() => {
      this.require(scenarioId);
      if (runId !== null && !this.ctx.stmt('SELECT 1 FROM runs WHERE id = ?').get(runId)) {
        throw new StoreError('not-found', this.ctx.file, `run ${runId} not found in ${this.ctx.file}`);
      }
      this.ctx.stmt('UPDATE scenarios SET baseline_run_id = ? WHERE id = ?').run(runId, scenarioId);
    });
  }

  private require(nameOrId: string | number): StoredScenario {
    const s = this.get(nameOrId);
    if (!s) throw new StoreError('not-found', this.ctx.file, `scenario "${nameOrId}" not found in ${this.ctx.file}`);
    return s;
  }

  private byName(name: string): StoredScenario | undefined {
    const row = this.ctx.stmt('SELECT * FROM scenarios WHERE name = ?').get(name) as ScenarioRow | undefined;
    return row ? toScenario(row) : undefined;
  }

  private checkName(name: string): string {
    const trimmed = name.trim();
    if (trimmed === '' || trimmed.length > 200) {
      throw new StoreError('invalid', this.ctx.file, 'a scenario name must be 1 to 200 characters');
    }
    return trimmed;
  }
}

function withName(config: unknown, name: string): unknown {
  return config !== null && typeof config === 'object' && !Array.isArray(config) ? { ...config, name } : config;
}

function toScenario(r: ScenarioRow): StoredScenario {
  return {
    id: r.id,
    name: r.name,
    config: JSON.parse(r.config) as Scenario,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    baselineRunId: r.baseline_run_id,
  };
}
