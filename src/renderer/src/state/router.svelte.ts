// Hash routing: every screen has an address, so Back/Forward, reload and links work the same
// in Electron (file:// or dev server) and in `barrage serve` (whose query string carries the
// session token and must stay untouched). Hash changes are in-page navigation, which the
// Electron shell's navigation lock does not block.

export type Route =
  | { view: 'scenarios' }
  | { view: 'builder'; scenarioId: number | null }
  | { view: 'run'; runId: number | null }
  | { view: 'history' }
  | { view: 'report'; runId: number }
  | { view: 'compare'; ids: number[]; ab: string | null }
  | { view: 'showdown'; id: string | null }
  | { view: 'capacity'; id: string | null }
  | { view: 'settings' };

const positiveId = (s: string | undefined): number | null => {
  const n = Number(s);
  return Number.isInteger(n) && n > 0 ? n : null;
};

export function parseRoute(hash: string): Route {
  const [path, query = ''] = hash.replace(/^#\/?/, '').split('?');
  const parts = path.split('/').filter(Boolean);
  switch (parts[0]) {
    case 'scenarios':
      if (parts[1] === 'new') return { view: 'builder', scenarioId: null };
      if (parts[1] && positiveId(parts[1])) return { view: 'builder', scenarioId: positiveId(parts[1]) };
      return { view: 'scenarios' };
    case 'run':
      return { view: 'run', runId: positiveId(parts[1]) };
    case 'history': {
      const id = positiveId(parts[1]);
      return id ? { view: 'report', runId: id } : { view: 'history' };
    }
    case 'compare': {
      const params = new URLSearchParams(query);
      const ids = (params.get('ids') ?? '')
        .split(',')
        .map((s) => positiveId(s))
        .filter((n): n is number => n !== null);
      const ab = params.get('ab');
      return { view: 'compare', ids: [...new Set(ids)], ab: ab && ab.length <= 64 ? ab : null };
    }
    case 'showdown': {
      const id = parts[1] ? decodeURIComponent(parts[1]) : '';
      return { view: 'showdown', id: id && id.length <= 64 ? id : null };
    }
    case 'capacity': {
      const id = parts[1] ? decodeURIComponent(parts[1]) : '';
      return { view: 'capacity', id: id && id.length <= 64 ? id : null };
    }
    case 'settings':
      return { view: 'settings' };
    default:
      return { view: 'scenarios' };
  }
}

export const paths = {
  scenarios: () => '#/scenarios',
  newScenario: () => '#/scenarios/new',
  editScenario: (id: number) => `#/scenarios/${id}`,
  run: (id?: number | null) => (id ? `#/run/${id}` : '#/run'),
  history: () => '#/history',
  report: (id: number) => `#/history/${id}`,
  compare: (ids: number[], ab: string | null = null) => {
    const q = [ids.length ? `ids=${ids.join(',')}` : '', ab ? `ab=${encodeURIComponent(ab)}` : ''].filter(Boolean).join('&');
    return q ? `#/compare?${q}` : '#/compare';
  },
  showdown: (id?: string | null) => (id ? `#/showdown/${encodeURIComponent(id)}` : '#/showdown'),
  capacity: (id?: string | null) => (id ? `#/capacity/${encodeURIComponent(id)}` : '#/capacity'),
  settings: () => '#/settings',
};

class Router {
  route = $state<Route>(parseRoute(location.hash));
  /**
   * Counts navigations. A view is recreated (fresh state) on each one; replace() changes the
   * address without counting, so the view on screen stays and just sees its new props.
   */
  visit = $state(0);

  constructor() {
    window.addEventListener('hashchange', () => {
      this.route = parseRoute(location.hash);
      this.visit++;
    });
  }

  go(hash: string): void {
    if (location.hash === hash) {
      this.route = parseRoute(hash);
      this.visit++;
    } else location.hash = hash;
  }

  /** Changes the address without a history entry (e.g. new → saved scenario id). */
  replace(hash: string): void {
    history.replaceState(history.state, '', hash);
    this.route = parseRoute(hash);
  }
}

export const router = new Router();
