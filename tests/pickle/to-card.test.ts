import { describe, expect, it } from 'vitest';
import { modelCardSchema } from '../../src/card/schema.js';
import { inspectModelFile } from '../../src/pickle/inspect.js';
import { inspectionToCard } from '../../src/pickle/to-card.js';
import { mctSchemaErrors } from '../helpers/mct-schema.js';
import { fixturePath } from './fixtures.js';

async function cardOf(file: string, lang: 'en' | 'es' = 'en') {
  return inspectionToCard(await inspectModelFile(fixturePath(file)), lang);
}

describe('inspection to Model Card', () => {
  it('fills model details and parameters of a random forest', async () => {
    const { card, warnings, dangerous, flagged } = await cardOf('rf-p4.pkl');
    expect(modelCardSchema.parse(card)).toEqual(card);
    expect(mctSchemaErrors(card)).toEqual([]);
    // The library's version is not the model's, and a card carries the bare file name, never a local path.
    expect(card.model_details).toEqual({ path: 'rf-p4.pkl' });
    const parameters = card.model_parameters;
    expect(parameters?.model_architecture).toMatch(
      /^RandomForestClassifier from scikit-learn 1\.9\.1 \(sklearn\.ensemble\._forest\.RandomForestClassifier\)\. Ensemble of 3 DecisionTreeClassifier estimators, tree depth 2–3, 19 nodes in all\. Hyperparameters: .*n_estimators=3.*criterion=entropy, max_depth=3/,
    );
    expect(parameters?.input_format).toBe('4 input features, in this order: bill_length_mm, bill_depth_mm, flipper_length_mm, body_mass_g.');
    expect(parameters?.input_format_map).toEqual([
      { key: 'bill_length_mm', value: 'feature 1 of 4' },
      { key: 'bill_depth_mm', value: 'feature 2 of 4' },
      { key: 'flipper_length_mm', value: 'feature 3 of 4' },
      { key: 'body_mass_g', value: 'feature 4 of 4' },
    ]);
    expect(parameters?.output_format_map).toEqual([
      { key: 'Adelie', value: 'predict_proba column 0' },
      { key: 'Chinstrap', value: 'predict_proba column 1' },
      { key: 'Gentoo', value: 'predict_proba column 2' },
    ]);
    expect(card.considerations).toBeUndefined();
    expect({ warnings, dangerous, flagged }).toEqual({ warnings: [], dangerous: false, flagged: false });
  });

  it('describes pipeline steps and numeric classes as strings', async () => {
    const pipeline = (await cardOf('pipeline.joblib')).card.model_parameters;
    expect(pipeline?.model_architecture).toContain('Pipeline of 2 steps: scaler = StandardScaler from scikit-learn 1.9.1');
    expect(pipeline?.model_architecture).toContain('forest = RandomForestClassifier from scikit-learn 1.9.1');
    const logistic = (await cardOf('logreg-p5.pkl')).card;
    expect(logistic.model_parameters?.output_format_map?.map((entry) => entry.key)).toEqual(['0', '1', '2']);
    expect(logistic.model_parameters?.model_architecture).toContain('C=0.5');
    expect(mctSchemaErrors(logistic)).toEqual([]);
  });

  it('turns a dangerous import into an ethical consideration and a warning', async () => {
    const { card, warnings, dangerous, flagged } = await cardOf('malicious-os-system.pkl');
    expect(mctSchemaErrors(card)).toEqual([]);
    expect(card.model_parameters).toBeUndefined();
    expect(card.considerations?.ethical_considerations).toEqual([
      {
        name: 'Dangerous import in the model file: os.system',
        mitigation_strategy: expect.stringMatching(
          /^Static inspection found that loading this file imports os\.system at byte 0, called with \["touch mct-pickle-marker-os-system"\] \(.*\)\. Do not load the file/,
        ),
      },
    ]);
    expect(warnings).toEqual([expect.stringMatching(/^malicious-os-system\.pkl: dangerous import os\.system at byte 0/)]);
    expect({ dangerous, flagged }).toEqual({ dangerous: true, flagged: true });
  });

  it('writes its texts in Spanish', async () => {
    const forest = (await cardOf('rf.joblib.gz', 'es')).card.model_parameters;
    expect(forest?.model_architecture).toMatch(/^RandomForestClassifier de scikit-learn 1\.9\.1 .*Conjunto de 3 estimadores DecisionTreeClassifier, profundidad de los árboles 2–3, 19 nodos en total\. Hiperparámetros: /);
    expect(forest?.input_format).toBe('4 variables de entrada, en este orden: bill_length_mm, bill_depth_mm, flipper_length_mm, body_mass_g.');
    expect(forest?.output_format_map?.[0]).toEqual({ key: 'Adelie', value: 'columna 0 de predict_proba' });
    const risky = await cardOf('malicious-subprocess.pkl', 'es');
    expect(risky.card.considerations?.ethical_considerations?.[0]?.name).toBe('Importación peligrosa en el archivo del modelo: subprocess.call');
    expect(risky.card.considerations?.ethical_considerations?.[0]?.mitigation_strategy).toContain('No cargue el archivo con pickle ni joblib');
    expect(risky.warnings[0]).toContain('importación peligrosa subprocess.call');
  });

  it('flags a file it could not inspect', async () => {
    const { card, warnings, dangerous, flagged } = await cardOf('rf.joblib.bz2');
    expect(card.considerations?.ethical_considerations?.[0]?.name).toBe('Model file not inspected');
    expect(warnings).toEqual(['rf.joblib.bz2: compressed with bz2, not inspected: treat it as untrusted']);
    expect({ dangerous, flagged }).toEqual({ dangerous: false, flagged: true });
  });
});
