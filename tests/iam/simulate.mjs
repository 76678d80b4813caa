// simulate.mjs: evaluates requests against IAM policies with @cloud-copilot/iam-simulate (the
// version pinned in package-lock.json, installed by scripts/bootstrap), all in one process.
//
//   node tests/iam/simulate.mjs < input.json > output.json
//
// Input, one JSON object:
//   {"identity_policies": [{"name": "spored", "policy": {...}}],     default for every request
//    "requests": [{"principal": "arn:aws:sts::123456789012:assumed-role/spawn-spored/i-0...",
//                  "action": "ec2:TerminateInstances",
//                  "resource": "arn:aws:ec2:us-east-1:123456789012:instance/i-0...",
//                  "account": "123456789012",                       the resource's account
//                  "context": {"ec2:SourceInstanceARN": "...", "aws:TagKeys": ["a", "b"]},
//                  "identity_policies": [...]}]}                    optional, replaces the default
// Output, one JSON object, results in request order:
//   {"results": [{"decision": "Allowed" | "ImplicitlyDenied" | "ExplicitlyDenied" | "Error",
//                 "allowed_by": [Sid...], "denied_by": [Sid...],
//                 "not_applied": {Sid: "Resource" | [condition keys that failed]}, for the
//                                  statements about this action that did not apply, and why
//                 "ignored_context_keys": [...],   given, but dropped by the simulator as not
//                                                  applying to this action and resource type
//                 "missing_context_keys": [...],   a condition of a statement whose action and
//                                                  resource match failed because the request
//                                                  context lacks the key
//                 "unresolved": [...],             policy variables or resources the simulator
//                                                  could not resolve, with its words
//                 "errors": "..."}]}               only for "Error": the simulator refused the input
// The simulator runs in Strict mode: it evaluates the context exactly as given and guesses nothing.
// Exit 0 when every request was evaluated or refused with a reason, 2 when the input is unreadable.
import { readFileSync } from 'node:fs'
import { runSimulation } from '@cloud-copilot/iam-simulate'

function asList(x) {
  if (x === undefined || x === null) return []
  return Array.isArray(x) ? x : [x]
}

function sid(analysis) {
  return analysis.statement?.Sid ?? analysis.explain?.identifier ?? '?'
}

// The resource mismatches that the simulator marks as not definitive: invalid policy syntax or
// input it could not use (its resourceMismatchReasons with invertible: false).
const undecidedResource = new Set([
  'invalidPolicyResourceArn', 'requestMissingResource', 'unresolvablePolicyVariable', 'shortArnExpandedMismatch',
])

// What the explains say the simulator could not decide, for statements that would otherwise
// apply (action and resource match): a key missing from the context, or a variable it could not
// resolve. Statements about other actions or resources are not the request's business.
function undecided(analyses) {
  const missing = new Set()
  const unresolved = new Set()
  for (const a of analyses) {
    const e = a.explain
    if (!e) continue
    if (e.actionMatch)
      for (const r of [...asList(e.resources), ...asList(e.notResources)])
        if (undecidedResource.has(r.mismatchReason))
          unresolved.add(`${sid(a)}: Resource ${r.resource}: ${r.mismatchReason} (${asList(r.errors).join('; ')})`)
    if (!e.actionMatch || !e.resourceMatch) continue
    for (const c of asList(e.conditions)) {
      if (c.failedBecauseMissing) missing.add(c.conditionKeyValue)
      for (const v of asList(c.values))
        for (const err of asList(v.errors)) unresolved.add(`${sid(a)}: ${c.operator} ${c.conditionKeyValue} ${v.value}: ${err}`)
    }
  }
  return { missing, unresolved }
}

// Why the statements about this action did not apply: "Sid": "Resource" when the request's
// resource is not one of the statement's, or "Sid": [condition keys that failed], in the
// policy's spelling.
function notApplied(analyses) {
  const out = {}
  for (const a of analyses) {
    const e = a.explain
    if (!e?.actionMatch || e.matches) continue
    if (!e.resourceMatch) out[sid(a)] = 'Resource'
    else out[sid(a)] = asList(e.conditions).filter((c) => !c.matches).map((c) => c.conditionKeyValue).sort()
  }
  return out
}

function summarize(result) {
  const analysis = result.analysis ?? {}
  const identity = analysis.identityAnalysis ?? { allowStatements: [], denyStatements: [], unmatchedStatements: [] }
  const all = [...identity.allowStatements, ...identity.denyStatements, ...identity.unmatchedStatements]
  const { missing, unresolved } = undecided(all)
  return {
    allowed_by: identity.allowStatements.map(sid),
    denied_by: identity.denyStatements.map(sid),
    not_applied: notApplied(identity.unmatchedStatements),
    ignored_context_keys: result.ignoredContextKeys ?? [],
    missing_context_keys: [...missing].sort(),
    unresolved: [...unresolved].sort(),
  }
}

async function evaluate(request, defaults) {
  const simulation = {
    request: {
      principal: request.principal,
      action: request.action,
      resource: { resource: request.resource, accountId: request.account },
      contextVariables: request.context ?? {},
    },
    identityPolicies: request.identity_policies ?? defaults,
    serviceControlPolicies: [],
    resourceControlPolicies: [],
  }
  const response = await runSimulation(simulation, { simulationMode: 'Strict' })
  if (response.resultType === 'error') {
    return { decision: 'Error', errors: JSON.stringify(response.errors) }
  }
  const results = response.resultType === 'single' ? [response.result] : response.results
  const merged = { allowed_by: [], denied_by: [], ignored_context_keys: [], missing_context_keys: [], unresolved: [] }
  let notApplied = {}
  for (const one of results) {
    const s = summarize(one)
    for (const k of Object.keys(merged)) merged[k] = [...new Set([...merged[k], ...s[k]])]
    notApplied = { ...notApplied, ...s.not_applied }
  }
  return { decision: response.overallResult, ...merged, not_applied: notApplied }
}

let input
try {
  input = JSON.parse(readFileSync(0, 'utf8'))
  if (!Array.isArray(input.requests)) throw new Error('"requests" must be an array')
} catch (e) {
  process.stderr.write(`simulate.mjs: unreadable input: ${e.message}\n`)
  process.exit(2)
}
const results = []
for (const request of input.requests) results.push(await evaluate(request, input.identity_policies ?? []))
process.stdout.write(JSON.stringify({ results }, null, 1) + '\n')
