// The contract as one self-contained descriptor set (obsscaling.protoset, written by the build beside
// ObsScaling.Contracts.dll): a client in another language loads every obsscaling.v1 service and message, and the
// google/api, google/rpc and google/protobuf files they import, from that one file, with no googleapis checkout
// and no include folders. This client imports a model, reads it back and decodes a rich error's details, all from
// the descriptor set alone.
//
// Environment: OBSSCALING_ADDRESS (required), OBSSCALING_PROTOSET (the descriptor set; tests/interop/run.sh sets it).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import grpc from '@grpc/grpc-js';
import protoLoader from '@grpc/proto-loader';
import protobuf from 'protobufjs';
import descriptor from 'protobufjs/ext/descriptor/index.js';

const protoset = process.env.OBSSCALING_PROTOSET;
const skip = protoset && fs.existsSync(protoset) ? false : 'OBSSCALING_PROTOSET does not name a descriptor set (build the contracts project)';

describe('obsscaling.v1 from its descriptor set alone', { skip }, () => {
  let client;
  let rpcTypes;

  before(() => {
    const address = process.env.OBSSCALING_ADDRESS;
    assert.ok(address, 'OBSSCALING_ADDRESS is not set');
    const bytes = fs.readFileSync(protoset);
    const definition = protoLoader.loadFileDescriptorSetFromBuffer(bytes, { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true });
    const { ObsScaling } = grpc.loadPackageDefinition(definition).obsscaling.v1;
    client = new ObsScaling(address.replace(/^https?:\/\//, ''), grpc.credentials.createInsecure());
    rpcTypes = protobuf.Root.fromDescriptor(descriptor.FileDescriptorSet.decode(bytes));
  });

  after(() => client?.close());

  it('holds the contract and every file it imports', () => {
    const files = descriptor.FileDescriptorSet.decode(fs.readFileSync(protoset)).file.map((f) => f.name);
    for (const name of ['obsscaling/v1/obsscaling.proto', 'obsscaling/v1/resources.proto', 'google/api/field_behavior.proto', 'google/api/resource.proto', 'google/protobuf/timestamp.proto', 'google/protobuf/descriptor.proto']) {
      assert.ok(files.includes(name), `${name} is missing from the descriptor set (has ${files.join(', ')})`);
    }
    // The error model comes with it, so rich errors decode from the same file.
    assert.ok(files.includes('google/rpc/error_details.proto'));
    assert.ok(rpcTypes.lookupType('obsscaling.v1.Model'));
  });

  it('imports a model and reads its dataset back', async () => {
    const call = await new Promise((resolve, reject) => {
      const stream = client.ImportModels((err, response) => (err ? reject(err) : resolve(response)));
      stream.write({ header: { dataset: 'protoset', mode: 'IMPORT_MODE_CREATE', metrics: [{ name: 'MMLU' }] } });
      // Loaded from descriptors, protobufjs sees a map field as the repeated entries it is on the wire.
      stream.write({ model: { name: 'm-1', family: 'f', flops_e21: 3, scores: [{ key: 'MMLU', value: 0.5 }] } });
      stream.end();
    });
    assert.equal(call.dataset.model_count, 1);
    const got = await new Promise((resolve, reject) => client.GetDataset({ name: 'datasets/protoset' }, (err, r) => (err ? reject(err) : resolve(r))));
    assert.equal(got.etag, call.dataset.etag);
  });

  it('gets INVALID_ARGUMENT with a field violation naming the field', async () => {
    const err = await new Promise((resolve) => client.GetDataset({ name: 'datasets/Not A Name' }, (e) => resolve(e)));
    assert.equal(err.code, grpc.status.INVALID_ARGUMENT);
    const raw = err.metadata.get('grpc-status-details-bin')[0];
    assert.ok(raw, 'no grpc-status-details-bin trailer');
    const status = rpcTypes.lookupType('google.rpc.Status').decode(raw);
    assert.equal(status.code, grpc.status.INVALID_ARGUMENT);
    const badRequest = status.details.find((d) => d.type_url.endsWith('/google.rpc.BadRequest'));
    assert.ok(badRequest, `details: ${status.details.map((d) => d.type_url).join(', ')}`);
    const violations = rpcTypes.lookupType('google.rpc.BadRequest').decode(badRequest.value).field_violations;
    assert.equal(violations[0].field, 'name');
  });
});

