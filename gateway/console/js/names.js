// Names for what the API answers with as codes and ids (regions, users, households): the ones a
// page shows are looked up in one call per page of results (GET /api/v1/regions?code=…,
// /api/v1/users?id=…, /api/v1/households?id=…) and kept for the session; a code or id the caller
// may not see is shown as it is.
import { api, ApiError } from './api.js';

const BATCH = 200; // the most either endpoint takes at once
const CODE = /^\d{12}$/;
const ID = /^[0-9a-f]{1,64}$/;
const known = { region: new Map(), user: new Map(), household: new Map() }; // key -> name, or null

/** A household as a person reads it: its archive number and its head's name. */
export function householdName(household) {
  const head = household.members.find((m) => m.relation === 'head') || household.members[0];
  return head ? `${household.number} ${head.name}` : household.number;
}

const SOURCES = {
  region: { path: '/api/v1/regions', param: 'code', valid: CODE, keyOf: (r) => r.code,
    nameOf: (r) => r.name, extra: {} },
  user: { path: '/api/v1/users', param: 'id', valid: ID, keyOf: (u) => u.id,
    nameOf: (u) => u.name, extra: { include_disabled: true, page_size: BATCH } },
  household: { path: '/api/v1/households', param: 'id', valid: ID, keyOf: (h) => h.id,
    nameOf: householdName, extra: { page_size: BATCH } },
};

async function lookUp(kind, wanted) {
  const { path, param, valid, keyOf, nameOf, extra } = SOURCES[kind];
  const cache = known[kind];
  const missing = [...new Set(wanted)].filter((key) => key && valid.test(key) && !cache.has(key));
  for (let start = 0; start < missing.length; start += BATCH) {
    const chunk = missing.slice(start, start + BATCH);
    let items;
    try {
      items = (await api.get(path, { ...extra, [param]: chunk })).items;
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      return; // refused or unavailable: the codes are shown, and asked again on the next page
    }
    for (const key of chunk) cache.set(key, null);
    for (const item of items) cache.set(keyOf(item), nameOf(item));
  }
}

function namer(kind) {
  return (key) => (key ? known[kind].get(key) || key : '—');
}

/**
 * const name = await names({regions: [...codes], users: [...ids], households: [...ids]});
 * name.region(code), name.user(id), name.household(id) — the name, or the code / id itself when
 * the caller may not see it.
 */
export async function names({ regions = [], users = [], households = [] } = {}) {
  await Promise.all([
    lookUp('region', regions), lookUp('user', users), lookUp('household', households),
  ]);
  return { region: namer('region'), user: namer('user'), household: namer('household') };
}

/** What the shell already knows: the signed-in person and their territory. */
export function remember(me, region) {
  known.user.set(me.id, me.name);
  for (const r of region ? [...(region.ancestors || []), region] : []) known.region.set(r.code, r.name);
}

/** Another person may sign in next: nothing of this session's names is kept. */
export function forgetNames() {
  for (const cache of Object.values(known)) cache.clear();
}
