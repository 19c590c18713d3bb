// A client of obsscaling.v1 in another language: Node's @grpc/grpc-js with the .proto files loaded at run time
// by @grpc/proto-loader. It runs the paper's agent flow (import → decompose → fit → forecast → backtest)
// against a real server and checks the numbers against tests/golden/golden.json, then checks that a bad
// request comes back as INVALID_ARGUMENT with a google.rpc.BadRequest in the status details.
//
// It starts nothing itself. Environment:
//   OBSSCALING_ADDRESS   the server, e.g. 127.0.0.1:5080 or http://127.0.0.1:5080 (required)
//   OBSSCALING_DATA      folder of the paper's CSVs (default: shared/data/obsscaling in an ancestor of the repo)
//   GOOGLEAPIS_PROTOS    folder holding google/api/*.proto and google/rpc/*.proto (default: the
//                        Google.Api.CommonProtos NuGet package's content/protos)
// tests/interop/run.sh starts a server and sets these.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import grpc from '@grpc/grpc-js';
import protoLoader from '@grpc/proto-loader';
import protobuf from 'protobufjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '..', '..', '..');
const DEADLINE_MS = 120_000;

const INSTRUCT_FILE = 'instruct_llm_benchmark_eval.csv';
const AGENT_FILE = 'instruct_llm_agent_eval.csv';
const META = { model: 'Model', family: 'Model Family', params: 'Model Size (B)', tokens: 'Pretraining Data Size (T)', flops: 'FLOPs (1E21)' };
const INSTRUCT_BENCHMARKS = ['MMLU', 'ARC-C', 'HellaSwag', 'Winogrande', 'TruthfulQA', 'GSM8K', 'HumanEval'];
const AGENT_BENCH = {
  target: 'ABench-OA',
  transform: { kind: 'TRANSFORM_KIND_MIN_MAX', low: 0, high: 10 },
  capability_metrics: INSTRUCT_BENCHMARKS,
  split: { kind: 'SPLIT_KIND_TOP_FRACTION', column: '@target', fraction: 0.1 },
  reference_family: 'Llama-2-Chat',
};

function findDataDir() {
  if (process.env.OBSSCALING_DATA) {
    return process.env.OBSSCALING_DATA;
  }
  for (let dir = path.dirname(repoRoot); ; dir = path.dirname(dir)) {
    const data = path.join(dir, 'shared', 'data', 'obsscaling');
    if (fs.existsSync(path.join(data, INSTRUCT_FILE))) {
      return data;
    }
    if (path.dirname(dir) === dir) {
      return null;
    }
  }
}

function findCommonProtos() {
  if (process.env.GOOGLEAPIS_PROTOS) {
    return process.env.GOOGLEAPIS_PROTOS;
  }
  const packages = process.env.NUGET_PACKAGES || path.join(os.homedir(), '.nuget', 'packages');
  const base = path.join(packages, 'google.api.commonprotos');
  const versions = fs.existsSync(base) ? fs.readdirSync(base) : [];
  versions.sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  for (const v of versions.reverse()) {
    const protos = path.join(base, v, 'content', 'protos');
    if (fs.existsSync(path.join(protos, 'google', 'api', 'field_behavior.proto'))) {
      return protos;
    }
  }
  throw new Error(`google/api/*.proto not found: set GOOGLEAPIS_PROTOS or run 'dotnet restore' (looked in ${base})`);
}

// The paper's CSVs: plain comma-separated values, quoted fields allowed, cells trimmed.
function parseCsv(text) {
  const rows = [];
  let row = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') {
        quoted = false;
      } else {
        cell += ch;
      }
    } else if (ch === '"') {
      quoted = true;
    } else if (ch === ',') {
      row.push(cell.trim());
      cell = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') {
        i++;
      }
      row.push(cell.trim());
      cell = '';
      if (row.length > 1 || row[0] !== '') {
        rows.push(row);
      }
      row = [];
    } else {
      cell += ch;
    }
  }
  row.push(cell.trim());
  if (row.length > 1 || row[0] !== '') {
    rows.push(row);
  }
  return rows;
}

function describeMetric(name) {
  if (name === 'ABench-OA') {
    return { name, min: 0, max: 10 };
  }
  if (name.startsWith('ABench-') || name.startsWith('ABoard-')) {
    return { name, min: 0, max: 100 };
  }
  return { name, min: 0, max: 1 };
}

function readTable(file) {
  const [header, ...lines] = parseCsv(fs.readFileSync(file, 'utf8'));
  const metaColumns = new Set(Object.values(META));
  const metrics = header.filter((h) => !metaColumns.has(h));
  const models = lines.map((cells) => {
    assert.equal(cells.length, header.length, `${path.basename(file)}: row '${cells[0]}' has ${cells.length} fields, expected ${header.length}`);
    const get = (column) => cells[header.indexOf(column)];
    const number = (column) => {
      const text = header.includes(column) ? get(column) : '';
      if (text === '') {
        return undefined;
      }
      const v = Number(text);
      assert.ok(Number.isFinite(v), `${path.basename(file)}: ${column} = '${text}' is not a number`);
      return v;
    };
    const model = { name: get(META.model), scores: {} };
    if (header.includes(META.family) && get(META.family) !== '') {
      model.family = get(META.family);
    }
    for (const [field, column] of [['parameters_b', META.params], ['tokens_t', META.tokens], ['flops_e21', META.flops]]) {
      const v = number(column);
      if (v !== undefined) {
        model[field] = v;
      }
    }
    for (const metric of metrics) {
      const v = number(metric);
      if (v !== undefined) {
        model.scores[metric] = v;
      }
    }
    return model;
  });
  return { metrics, models };
}

// Instruct benchmarks joined with the agent evaluations on Model (inner join, in the instruct file's order).
function loadInstructWithAgents(dataDir) {
  const instruct = readTable(path.join(dataDir, INSTRUCT_FILE));
  const agents = readTable(path.join(dataDir, AGENT_FILE));
  const byName = new Map(agents.models.map((m) => [m.name, m]));
  const models = instruct.models
    .filter((m) => byName.has(m.name))
    .map((m) => ({ ...m, scores: { ...m.scores, ...byName.get(m.name).scores } }));
  const names = [...instruct.metrics, ...agents.metrics.filter((m) => !instruct.metrics.includes(m))];
  return { metrics: names.map(describeMetric), models };
}

function deadline() {
  return new Date(Date.now() + DEADLINE_MS);
}

function unary(client, method, request) {
  return new Promise((resolve, reject) => {
    client[method](request, { deadline: deadline() }, (err, response) => (err ? reject(err) : resolve(response)));
  });
}

function readAll(call) {
  return new Promise((resolve, reject) => {
    const items = [];
    call.on('data', (d) => items.push(d));
    call.on('error', reject);
    call.on('end', () => resolve(items));
  });
}

function importModels(client, header, models) {
  return new Promise((resolve, reject) => {
    const call = client.ImportModels({ deadline: deadline() }, (err, response) => (err ? reject(err) : resolve(response)));
    call.write({ header });
    for (const model of models) {
      call.write({ model });
    }
    call.end();
  });
}

function assertRelativeClose(expected, actual, relative, what) {
  assert.ok(Math.abs(expected - actual) <= relative * Math.abs(expected), `${what}: expected ${expected}, got ${actual}`);
}

const dataDir = findDataDir();
const skip = dataDir === null ? "the paper's public data (shared/data/obsscaling) is not beside the repository" : false;

describe('obsscaling.v1 from Node (grpc-js + proto-loader)', { skip }, () => {
  let client;
  let rpcTypes;
  let paper;
  let golden;
  let imported;
  let fit;

  before(() => {
    const address = process.env.OBSSCALING_ADDRESS;
    assert.ok(address, 'OBSSCALING_ADDRESS is not set: start a server (tests/interop/run.sh does) and name it');
    const includeDirs = [path.join(repoRoot, 'protos'), findCommonProtos()];
    const definition = protoLoader.loadSync(['obsscaling/v1/obsscaling.proto'], {
      includeDirs,
      keepCase: true,
      longs: String,
      enums: String,
      defaults: true,
      oneofs: true,
    });
    const { ObsScaling } = grpc.loadPackageDefinition(definition).obsscaling.v1;
    client = new ObsScaling(address.replace(/^https?:\/\//, ''), grpc.credentials.createInsecure(), {
      'grpc.max_receive_message_length': 64 * 1024 * 1024,
    });

    // google.rpc.Status and its details, decoded with protobufjs from the same include folders.
    rpcTypes = new protobuf.Root();
    rpcTypes.resolvePath = (_origin, target) => includeDirs.map((d) => path.join(d, target)).find((p) => fs.existsSync(p)) ?? target;
    rpcTypes.loadSync(['google/rpc/status.proto', 'google/rpc/error_details.proto'], { keepCase: true });

    paper = loadInstructWithAgents(dataDir);
    golden = JSON.parse(fs.readFileSync(path.join(repoRoot, 'tests', 'golden', 'golden.json'), 'utf8')).holdouts.find((h) => h.name === 'agentbench_pc3');
    assert.ok(golden, 'golden.json has no holdout agentbench_pc3');
  });

  after(() => client?.close());

  it('imports the instruct + agent data by client streaming', async () => {
    assert.equal(paper.models.length, 27);
    imported = await importModels(client, { dataset: 'agents', mode: 'IMPORT_MODE_CREATE', metrics: paper.metrics, display_name: 'Instruct + agents (node)' }, paper.models);
    assert.equal(imported.dataset.name, 'datasets/agents');
    assert.equal(imported.dataset.model_count, 27);
    assert.equal(imported.models_added, 27);
    assert.equal(imported.models_replaced, 0);
    assert.equal(imported.dataset.revision, '1');
    assert.match(imported.dataset.etag, /^[0-9a-f]{64}$/);
    assert.deepEqual(imported.dataset.metrics.map((m) => m.name), paper.metrics.map((m) => m.name));

    const listed = await unary(client, 'ListModels', { parent: 'datasets/agents', page_size: 1000 });
    assert.equal(listed.total_size, 27);
    const first = listed.models.find((m) => m.name === paper.models[0].name);
    assert.deepEqual({ ...first.scores }, paper.models[0].scores, 'scores round-trip exactly');
  });

  it('decomposes the capability benchmarks', async () => {
    const d = await unary(client, 'Decompose', { dataset: 'datasets/agents', metrics: INSTRUCT_BENCHMARKS });
    assert.equal(d.models.length, 27);
    assert.deepEqual(d.metrics, INSTRUCT_BENCHMARKS);
    assert.equal(d.imputation_converged, true);
    assert.ok(d.explained_variance_ratio[0] >= 0.5 && d.explained_variance_ratio[0] <= 1, `PC-1 explains ${d.explained_variance_ratio[0]}`);
    assert.equal(d.loadings.length, d.components * INSTRUCT_BENCHMARKS.length);
    assert.equal(d.dataset_etag, imported.dataset.etag);
  });

  it('fits the AgentBench law with the golden test MSE', async () => {
    const events = await readAll(client.CreateFit({ parent: 'datasets/agents', fit_id: 'agentbench', spec: AGENT_BENCH }, { deadline: deadline() }));
    const progress = events.filter((e) => e.event === 'progress');
    const fits = events.filter((e) => e.event === 'fit');
    assert.ok(progress.length > 0, 'progress before the fit');
    assert.equal(fits.length, 1);
    assert.equal(events.at(-1).event, 'fit', 'the fit comes last');
    fit = fits[0].fit;
    assert.equal(fit.name, 'datasets/agents/fits/agentbench');
    assert.deepEqual(fit.predictions.filter((p) => !p.in_train).map((p) => p.model), golden.test_models);
    assertRelativeClose(golden.mse_train_ls_tight, fit.train_mse, 1e-6, 'train MSE');
    assertRelativeClose(golden.mse_test_ls_tight, fit.test_mse, 1e-6, 'test MSE');
    assert.ok(Math.abs(fit.equivalent.slope - 0.9997) < 5e-4, `equivalent-compute slope ${fit.equivalent.slope}`);
    assert.equal(fit.dataset_etag, imported.dataset.etag);
    assert.equal(fit.dataset_revision, '1');

    const stored = await unary(client, 'GetFit', { name: fit.name });
    assert.equal(stored.test_mse, fit.test_mse);
  });

  it('forecasts the held-out models through the bidi stream', async () => {
    const call = client.Forecast({ deadline: deadline() });
    const answers = readAll(call);
    call.write({ setup: { fit: fit.name, record: true } });
    for (const name of golden.test_models) {
      const model = paper.models.find((m) => m.name === name);
      const values = Object.fromEntries(INSTRUCT_BENCHMARKS.filter((k) => k in model.scores).map((k) => [k, model.scores[k]]));
      call.write({ input: { model: name, scores: { values } } });
    }
    call.end();
    const results = (await answers).map((r) => r.result);
    assert.deepEqual(results.map((r) => r.model), golden.test_models);
    assert.deepEqual(results.map((r) => r.sequence), ['0', '1']);
    for (const r of results) {
      const stored = fit.predictions.find((p) => p.model === r.model);
      assert.ok(Math.abs(stored.predicted - r.predicted) < 1e-12, `${r.model}: predicted ${r.predicted} vs fit ${stored.predicted}`);
      assert.ok(Math.abs(stored.capability - r.capability) < 1e-12, `${r.model}: capability ${r.capability} vs fit ${stored.capability}`);
      assert.ok(Math.abs(stored.equivalent_log10_flops_e21 - r.equivalent_log10_flops_e21) < 1e-10, `${r.model}: equivalent compute`);
      assert.ok(Math.abs(r.predicted * 10 - r.predicted_raw) < 1e-12, `${r.model}: raw = 10 × transformed`);
      assert.ok(r.forecast.startsWith(fit.name + '/forecasts/'), r.forecast);
    }

    const recorded = await unary(client, 'ListForecasts', { parent: fit.name });
    assert.equal(recorded.total_size, 2);
    assert.equal(recorded.forecasts[0].dataset_etag, imported.dataset.etag);
  });

  it('backtests the PC law against the compute baselines', async () => {
    const events = await readAll(client.Backtest({ dataset: 'agents', spec: AGENT_BENCH }, { deadline: deadline() }));
    const results = events.filter((e) => e.event === 'result');
    assert.equal(results.length, 1);
    const rows = results[0].result.rows;
    assert.equal(rows.length, 3);
    assert.equal(rows[0].predictors, 'PC-1..3');
    assertRelativeClose(golden.mse_test_ls_tight, rows[0].test_mse, 1e-6, 'backtest PC test MSE');
    assert.equal(rows.filter((r) => r.best).length, 1);
    // No held-out agent model has FLOPs or a size: the baselines say so instead of failing.
    assert.match(rows[1].unavailable, /left to forecast/);
  });

  it('answers a bad import with INVALID_ARGUMENT and a google.rpc.BadRequest detail', async () => {
    const good = paper.models[0];
    const bad = [
      { ...good, name: 'too-high', scores: { ...good.scores, MMLU: 1.5 } },
      { ...good, name: 'negative-size', parameters_b: -7 },
    ];
    const err = await importModels(client, { dataset: 'bad-import', metrics: paper.metrics }, bad).then(
      () => assert.fail('the import was accepted'),
      (e) => e,
    );
    assert.equal(err.code, grpc.status.INVALID_ARGUMENT, `status ${err.code}: ${err.details}`);
    const raw = err.metadata.get('grpc-status-details-bin');
    assert.equal(raw.length, 1, 'one grpc-status-details-bin trailer');
    const Status = rpcTypes.lookupType('google.rpc.Status');
    const status = Status.decode(raw[0]);
    assert.equal(status.code, grpc.status.INVALID_ARGUMENT);
    assert.equal(status.message, err.details);
    const detail = status.details.find((d) => d.type_url === 'type.googleapis.com/google.rpc.BadRequest');
    assert.ok(detail, `no BadRequest among ${status.details.map((d) => d.type_url).join(', ')}`);
    const badRequest = rpcTypes.lookupType('google.rpc.BadRequest').decode(detail.value);
    const fields = badRequest.field_violations.map((v) => v.field);
    assert.deepEqual(fields.sort(), ['models[0].scores[MMLU]', 'models[1].parameters_b']);
    for (const v of badRequest.field_violations) {
      assert.ok(v.description.length > 0, `${v.field} has a description`);
    }

    // All or nothing: the rejected import left no dataset behind.
    const missing = await unary(client, 'GetDataset', { name: 'datasets/bad-import' }).then(
      () => assert.fail('the rejected dataset exists'),
      (e) => e,
    );
    assert.equal(missing.code, grpc.status.NOT_FOUND);
  });
});
