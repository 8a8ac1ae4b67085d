import type { RequirementId } from './requirements.js';

/**
 * The completeness profiles of `card check`, as data: which requirements each framework asks
 * for, under which of its sections, and how much each weighs in the score (3 essential, 2
 * expected, 1 good practice).
 */

export interface ProfileItem {
  requirement: RequirementId;
  /** Where the framework asks for it. */
  section: string;
  weight: 1 | 2 | 3;
}

export interface Profile {
  title: string;
  source: string;
  items: readonly ProfileItem[];
}

const item = (requirement: RequirementId, section: string, weight: 1 | 2 | 3): ProfileItem => ({ requirement, section, weight });

export const PROFILES = {
  mitchell2019: {
    title: 'Model Cards for Model Reporting (Mitchell et al., 2019)',
    source: 'arXiv:1810.03993, section 4',
    items: [
      item('name', '4.1 Model Details', 3),
      item('overview', '4.1 Model Details', 2),
      item('developer', '4.1 Model Details', 2),
      item('date', '4.1 Model Details', 2),
      item('version', '4.1 Model Details', 2),
      item('architecture', '4.1 Model Details', 2),
      item('references', '4.1 Model Details', 1),
      item('citation', '4.1 Model Details', 1),
      item('license', '4.1 Model Details', 2),
      item('contact', '4.1 Model Details', 2),
      item('useCases', '4.2 Intended Use', 3),
      item('users', '4.2 Intended Use', 2),
      item('outOfScope', '4.2 Intended Use', 3),
      item('disaggregated', '4.3 Factors, 4.7 Quantitative Analyses', 3),
      item('metrics', '4.4 Metrics', 3),
      item('intervals', '4.4 Metrics', 2),
      item('evaluationData', '4.5 Evaluation Data', 2),
      item('trainingData', '4.6 Training Data', 2),
      item('ethics', '4.8 Ethical Considerations', 3),
      item('limitations', '4.9 Caveats and Recommendations', 2),
      item('tradeoffs', '4.9 Caveats and Recommendations', 1),
    ],
  },
  hf: {
    title: 'Hugging Face Hub model card (template sections and metadata)',
    source: 'huggingface_hub modelcard_template.md and the Hub metadata specification',
    items: [
      item('hubLicense', 'metadata: license', 3),
      item('hubLibrary', 'metadata: library_name', 2),
      item('hubPipeline', 'metadata: pipeline_tag', 2),
      item('hubDatasets', 'metadata: datasets', 1),
      item('hubTags', 'metadata: tags', 1),
      item('modelIndex', 'metadata: model-index', 2),
      item('overview', 'Model Details: Model Description', 3),
      item('developer', 'Model Details: Developed by', 2),
      item('architecture', 'Model Details: Model type', 1),
      item('references', 'Model Details: Model Sources', 1),
      item('useCases', 'Uses: Direct Use', 3),
      item('outOfScope', 'Uses: Out-of-Scope Use', 2),
      item('limitations', 'Bias, Risks, and Limitations', 3),
      item('ethics', 'Bias, Risks, and Limitations: Recommendations', 2),
      item('getStarted', 'How to Get Started with the Model', 2),
      item('trainingData', 'Training Details: Training Data', 2),
      item('evaluationData', 'Evaluation: Testing Data', 1),
      item('metrics', 'Evaluation: Metrics and Results', 3),
      item('disaggregated', 'Evaluation: Factors', 1),
      item('citation', 'Citation', 1),
      item('contact', 'Model Card Contact', 2),
    ],
  },
  'eu-ai-act': {
    title: 'EU AI Act, Annex IV technical documentation (Regulation (EU) 2024/1689)',
    source: 'Annex IV, points 1-9 (Art. 11(1))',
    items: [
      item('useCases', '1(a) intended purpose', 3),
      item('developer', '1(a) provider', 3),
      item('version', '1(a) version', 2),
      item('changes', '1(a) relation to previous versions, 6 changes through the lifecycle', 2),
      item('euInteractions', '1(b) interaction with other systems', 1),
      item('euSoftwareVersions', '1(c) software versions', 1),
      item('euMarketForms', '1(d) forms placed on the market', 1),
      item('euHardware', '1(e) hardware', 1),
      item('getStarted', '1(h) instructions for use', 2),
      item('architecture', '2(a) methods and steps of development', 2),
      item('tradeoffs', '2(b) design choices and trade-offs', 2),
      item('euComputeResources', '2(c) computational resources', 1),
      item('trainingData', '2(d) data requirements', 3),
      item('euDataGovernance', '2(d) data provenance, labelling and cleaning', 2),
      item('euHumanOversight', '2(e) human oversight (Art. 14)', 3),
      item('euPredeterminedChanges', '2(f) pre-determined changes', 1),
      item('metrics', '2(g) validation and testing metrics', 3),
      item('intervals', '2(g) validation and testing metrics', 1),
      item('date', '2(g) dated test reports', 1),
      item('euCybersecurity', '2(h) cybersecurity', 2),
      item('limitations', '3 capabilities and limitations', 3),
      item('disaggregated', '3 accuracy for specific persons or groups', 3),
      item('ethics', '3 foreseeable risks to health, safety and fundamental rights', 3),
      item('inputFormat', '3 input data specifications', 1),
      item('sensitiveData', '3 input data specifications', 1),
      item('euMetricRationale', '4 appropriateness of the performance metrics', 2),
      item('euRiskManagement', '5 risk-management system (Art. 9)', 3),
      item('euStandards', '7 harmonised standards applied', 2),
      item('euDeclaration', '8 EU declaration of conformity', 2),
      item('euPostMarket', '9 post-market monitoring plan', 2),
      item('contact', '1(a) provider contact', 1),
    ],
  },
} satisfies Record<string, Profile>;

export type ProfileId = keyof typeof PROFILES;
export const PROFILE_IDS = Object.keys(PROFILES) as ProfileId[];
