// A REST/JSON client of obsscaling.v1: fetch only, no gRPC library, against the web endpoint's transcoded routes
// (docs/web.md). It imports a small synthetic zoo with the unary BatchImportModels, reads it back, fits a law, forecasts with it (BatchForecast)
// (CreateFit streams newline-delimited JSON), decomposes, checks errors as JSON google.rpc.Status with their details,
// and deletes the dataset.
//
// Environment: OBSSCALING_WEB_ADDRESS, the web endpoint, e.g. http://127.0.0.1:5081 (tests/interop/run.sh sets it;
// without it the suite is skipped).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';

const WEB = process.env.OBSSCALING_WEB_ADDRESS?.replace(/\/$/, '');
const DATASET = `rest-${process.pid}`;
const BENCHMARKS = ['bench-a', 'bench-b', 'bench-c', 'bench-d', 'bench-e'];

// Deterministic noise (an LCG), so the run is the same every time.
function noise(seed) {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32 - 0.5;
  };
}

const sigmoid = (x) => 1 / (1 + Math.exp(-x));

/** Four families of six models: a capability rising with log-compute plus a family offset drives every score. */
function zoo() {
  const next = noise(7);
  const models = [];
  for (let f = 1; f <= 4; f++) {
    for (let m = 0; m < 6; m++) {
      const flops = 10 ** (m * 0.5 + f * 0.1);
      const capability = Math.log10(flops) + (f - 2.5) * 0.3;
      const scores = {};
      BENCHMARKS.forEach((b, j) => {
        scores[b] = sigmoid((0.8 + 0.2 * j) * (capability - 1.2 + 0.3 * j) + 0.1 * next());
      });
      scores.downstream = 0.05 + 0.9 * sigmoid(1.5 * (capability - 1.5) + 0.05 * next());
      models.push({ name: `family-0${f}-m${m}`, family: `family-0${f}`, flopsE21: flops, scores });
    }
  }
  return models;
}

async function call(method, path, body) {
  const response = await fetch(WEB + path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, type: response.headers.get('content-type') ?? '', text: await response.text() };
}

async function ok(method, path, body) {
  const answer = await call(method, path, body);
  assert.equal(answer.status, 200, `${method} ${path}: ${answer.status} ${answer.text}`);
  assert.match(answer.type, /^application\/json/);
  return answer.text;
}

describe('obsscaling.v1 over REST/JSON', { skip: WEB ? false : 'OBSSCALING_WEB_ADDRESS is not set' }, () => {
  const models = zoo();

  it('imports with BatchImportModels and reads the dataset back', async () => {
    const metrics = [...BENCHMARKS, 'downstream'].map((name) => ({ name, min: 0, max: 1 }));
    const imported = JSON.parse(await ok('POST', `/v1/datasets/${DATASET}/models:batchImport`, { header: { mode: 'IMPORT_MODE_CREATE', metrics }, models }));
    assert.equal(imported.modelsAdded, models.length);
    assert.equal(imported.dataset.name, `datasets/${DATASET}`);

    const dataset = JSON.parse(await ok('GET', `/v1/datasets/${DATASET}`));
    assert.deepEqual(dataset, imported.dataset);
    const listed = JSON.parse(await ok('GET', '/v1/datasets?pageSize=100'));
    assert.ok(listed.datasets.some((d) => d.name === dataset.name));
    const page = JSON.parse(await ok('GET', `/v1/datasets/${DATASET}/models?pageSize=5`));
    assert.equal(page.models.length, 5);
    assert.notEqual(page.nextPageToken, '');
  });

  it('fits a law (a stream of JSON lines) and gets it', async () => {
    const spec = {
      target: 'downstream',
      capabilityMetrics: BENCHMARKS,
      predictors: { kind: 'PREDICTOR_KIND_PRINCIPAL_COMPONENTS', components: 2 },
      pcaComponents: 3,
      split: { kind: 'SPLIT_KIND_TOP_FRACTION', column: 'flops', fraction: 0.25 },
      referenceFamily: 'family-01',
    };
    const lines = (await ok('POST', `/v1/datasets/${DATASET}/fits`, { fitId: 'law', spec })).split('\n').filter((l) => l.trim() !== '');
    const events = lines.map((l) => JSON.parse(l));
    assert.ok(events.slice(0, -1).every((e) => e.progress), 'progress events first');
    const fit = events.at(-1).fit;
    assert.equal(fit.name, `datasets/${DATASET}/fits/law`);
    assert.ok(fit.law.converged);
    assert.ok(fit.trainMse < 0.01, `train MSE ${fit.trainMse}`);

    assert.deepEqual(JSON.parse(await ok('GET', `/v1/datasets/${DATASET}/fits/law`)), fit);
    const fits = JSON.parse(await ok('GET', `/v1/datasets/${DATASET}/fits`));
    assert.deepEqual(fits.fits.map((f) => f.name), [fit.name]);
  });

  it('forecasts a batch with the fit and records it', async () => {
    const inputs = models.slice(0, 4).map((m) => ({ model: m.name, family: m.family, scores: { values: Object.fromEntries(BENCHMARKS.filter((b) => b in m.scores).map((b) => [b, m.scores[b]])) } }));
    const answered = JSON.parse(await ok('POST', `/v1/datasets/${DATASET}/fits/law:forecast`, { record: true, inputs }));
    assert.equal(answered.results.length, inputs.length);
    answered.results.forEach((r, i) => {
      assert.equal(r.model, inputs[i].model);
      assert.ok(Number.isFinite(r.predicted), `forecast ${i}: ${r.predicted}`);
      assert.ok(Math.abs(r.predicted - models[i].scores.downstream) < 0.1, `forecast ${r.predicted} vs observed ${models[i].scores.downstream}`);
    });
    const recorded = JSON.parse(await ok('GET', `/v1/datasets/${DATASET}/fits/law/forecasts?pageSize=10`));
    assert.deepEqual(recorded.forecasts.map((f) => f.name).sort(), answered.results.map((r) => r.forecast).sort());
  });

  it('decomposes', async () => {
    const decomposition = JSON.parse(await ok('POST', `/v1/datasets/${DATASET}:decompose`, { metrics: BENCHMARKS, components: 2 }));
    assert.equal(decomposition.components, 2);
    assert.equal(decomposition.models.length, models.length);
    assert.ok(decomposition.explainedVarianceRatio[0] > 0.8, `PC-1 explains ${decomposition.explainedVarianceRatio[0]}`);
  });

  it('answers errors as google.rpc.Status with details', async () => {
    const missing = await call('GET', '/v1/datasets/nothing-here');
    assert.equal(missing.status, 404);
    const notFound = JSON.parse(missing.text);
    assert.equal(notFound.code, 5);
    assert.equal(notFound.details[0]['@type'], 'type.googleapis.com/google.rpc.ResourceInfo');
    assert.equal(notFound.details[0].resourceName, 'datasets/nothing-here');

    const bad = await call('GET', '/v1/datasets?pageSize=-1');
    assert.equal(bad.status, 400);
    const invalid = JSON.parse(bad.text);
    assert.equal(invalid.code, 3);
    assert.equal(invalid.details[0]['@type'], 'type.googleapis.com/google.rpc.BadRequest');
    assert.equal(invalid.details[0].fieldViolations[0].field, 'page_size');
  });

  it('deletes the dataset with its fits only when forced', async () => {
    const refused = await call('DELETE', `/v1/datasets/${DATASET}`);
    assert.equal(refused.status, 400);
    assert.equal(JSON.parse(refused.text).code, 9);
    assert.equal((await ok('DELETE', `/v1/datasets/${DATASET}?force=true`)).trim(), '{}');
    assert.equal((await call('GET', `/v1/datasets/${DATASET}`)).status, 404);
  });
});
