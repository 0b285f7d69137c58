/**
 * Tests' edits of the office's decision table decisions/unit-assessment.dmn, as a process admin would
 * make them in the decision editor.
 */

/** the output of one rule set to `value` */
function setOutput(xml: string, ruleId: string, value: number): string {
  const changed = xml.replace(new RegExp(`(<rule id="${ruleId}">[\\s\\S]*?<outputEntry[^>]*>\\s*<text>)[^<]*(</text>)`), `$1${value}$2`);
  if (changed === xml && !xml.includes(`<rule id="${ruleId}">`)) throw new Error(`the table has no rule ${ruleId}`);
  return changed;
}

/** the weights of 按期办结率 (40/36/32/24/12/0) and 满意率 (30/27/21/12/0) swapped: 按期 30/27/21/12/6/0, 满意 40/36/32/24/0 */
export function swappedWeights(dmn: string): string {
  let out = dmn;
  ['A', 'B', 'C', 'D', 'E', 'F'].forEach((r, i) => (out = setOutput(out, `Rule_OnTime_${r}`, [30, 27, 21, 12, 6, 0][i])));
  ['A', 'B', 'C', 'D', 'E'].forEach((r, i) => (out = setOutput(out, `Rule_Satisfaction_${r}`, [40, 36, 32, 24, 0][i])));
  if (out === dmn) throw new Error('the table did not change');
  return out;
}
