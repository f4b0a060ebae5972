/** Reads the `contractgen.*` custom properties of one object, checking names, scope and values against their declarations. */
import type { PathSeg } from '../../load/yaml.js';
import { EXT_BY_NAME, EXT_PREFIX, Extensions, suggest, type ExtScope } from '../extensions.js';
import { arr, isObj, type BuildContext, type Obj } from './context.js';

export function readExtensions(ctx: BuildContext, owner: Obj, path: readonly PathSeg[], scope: ExtScope): Extensions {
  const out = new Extensions();
  arr(owner.customProperties).forEach((cp, i) => {
    if (!isObj(cp) || typeof cp.property !== 'string') return;
    const name = cp.property;
    const p = [...path, 'customProperties', i];
    if (!name.startsWith(EXT_PREFIX)) return;
    const def = EXT_BY_NAME.get(name);
    if (!def) {
      const hint = suggest(name, EXT_BY_NAME.keys());
      ctx.report('EXT_UNKNOWN', [...p, 'property'], `unknown contractgen extension "${name}"${hint ? `; did you mean "${hint}"?` : ''}`);
      return;
    }
    if (def.scope !== scope) {
      ctx.report('EXT_SCOPE', [...p, 'property'], `"${name}" belongs on a ${def.scope}, not on a ${scope}`);
      return;
    }
    if (out.has(def)) {
      ctx.report('EXT_DUPLICATE', [...p, 'property'], `"${name}" is set twice`);
      return;
    }
    const problem = out.set(def, cp.value);
    if (problem) ctx.report('EXT_VALUE', [...p, 'value'], `${name} ${problem}`);
  });
  return out;
}
