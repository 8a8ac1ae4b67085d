import { describe, expect, it } from 'vitest';
import { MlflowUriError } from '../../src/mlflow/errors.js';
import {
  formatModelUri,
  normalizeArtifactPath,
  parseModelUri,
  proxiedFileUrl,
  resolveProxiedArtifactRoot,
} from '../../src/mlflow/uris.js';

describe('model URIs, parsed as MLflow parses them', () => {
  it.each([
    ['runs:/abc123/model', { kind: 'run', runId: 'abc123', path: 'model' }],
    ['runs:/abc123/a/b/', { kind: 'run', runId: 'abc123', path: 'a/b' }],
    ['runs:/abc123', { kind: 'run', runId: 'abc123', path: '' }],
    ['models:/penguins/3', { kind: 'version', name: 'penguins', version: '3' }],
    ['models:/penguins/latest', { kind: 'latest', name: 'penguins' }],
    ['models:/penguins/Latest', { kind: 'latest', name: 'penguins' }],
    ['models:/penguins/Production', { kind: 'stage', name: 'penguins', stage: 'Production' }],
    ['models:/penguins@champion', { kind: 'alias', name: 'penguins', alias: 'champion' }],
    ['models:/team@x@champion', { kind: 'alias', name: 'team@x', alias: 'champion' }],
    ['models:/m-0123456789abcdef0123456789abcdef', { kind: 'logged-model', modelId: 'm-0123456789abcdef0123456789abcdef' }],
  ])('%s', (uri, expected) => {
    const parsed = parseModelUri(uri);
    expect(parsed).toEqual(expected);
    expect(parseModelUri(formatModelUri(parsed))).toEqual(parsed);
  });

  it.each([
    ['models:/', /nothing follows "models:\/"/],
    ['models:x', /must start with "\/"/],
    ['models:/a/b/c', /one or two path segments/],
    ['models:/a/', /is empty/],
    ['models:/@alias', /name before "@" is empty/],
    ['models:/name@', /alias after "@" is empty/],
    ['models://profile/name/1', /a host after "models:" is not supported/],
    ['runs:/', /nothing follows "runs:\/"/],
    ['runs://host/abc/model', /host/],
    ['runs:/abc/../x', /unsafe artifact path/],
    ['s3://bucket/model', /must start with runs:\/ or models:\//],
  ])('refuses %s', (uri, message) => {
    expect(() => parseModelUri(uri)).toThrow(MlflowUriError);
    expect(() => parseModelUri(uri)).toThrow(message);
  });
});

describe('artifact paths and roots', () => {
  it('normalizes safe paths and refuses unsafe ones', () => {
    expect(normalizeArtifactPath('')).toBe('');
    expect(normalizeArtifactPath('./model_card//images/')).toBe('model_card/images');
    for (const bad of ['../x', 'a/../../x', '/abs', 'a\\b', 'C:/x', 'a/%2e%2e/b', 'a%2Fb', 'x#y']) {
      expect(() => normalizeArtifactPath(bad), bad).toThrow(MlflowUriError);
    }
  });

  it('maps mlflow-artifacts: URIs onto the tracking server, keeping a base path', () => {
    expect(resolveProxiedArtifactRoot('mlflow-artifacts:/1/abc/artifacts', 'https://host:8443/mlflow')).toEqual({
      apiUrl: 'https://host:8443/mlflow/api/2.0/mlflow-artifacts/artifacts',
      rootPath: '1/abc/artifacts',
    });
    expect(resolveProxiedArtifactRoot('mlflow-artifacts://other:5001/1/abc', 'http://tracking:5000')).toEqual({
      apiUrl: 'http://other:5001/api/2.0/mlflow-artifacts/artifacts',
      rootPath: '1/abc',
    });
    expect(resolveProxiedArtifactRoot('mlflow-artifacts:/', 'http://tracking:5000').rootPath).toBe('');
    expect(() => resolveProxiedArtifactRoot('mlflow-artifacts://5001/x', 'http://tracking:5000')).toThrow(/host without a port/);
  });

  it('uses http(s) proxy URLs as they are and encodes each segment', () => {
    const root = resolveProxiedArtifactRoot('http://store:5000/api/2.0/mlflow-artifacts/artifacts/1/r%20x/artifacts', 'http://tracking:5000');
    expect(root).toEqual({ apiUrl: 'http://store:5000/api/2.0/mlflow-artifacts/artifacts', rootPath: '1/r x/artifacts' });
    expect(proxiedFileUrl(root, 'card/año 1+2.md')).toBe(
      'http://store:5000/api/2.0/mlflow-artifacts/artifacts/1/r%20x/artifacts/card/a%C3%B1o%201%2B2.md',
    );
  });

  it('refuses roots the proxy does not serve', () => {
    for (const uri of ['s3://bucket/x', 'file:///tmp/mlruns/1', '/tmp/mlruns', 'http://host/static/files']) {
      expect(() => resolveProxiedArtifactRoot(uri, 'http://tracking:5000'), uri).toThrow(MlflowUriError);
    }
  });
});
