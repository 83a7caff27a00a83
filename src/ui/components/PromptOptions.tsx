import type { Scoring } from '../../shared/types.ts';
import {
  DEFAULT_TEMPLATE,
  ENSEMBLE_TEMPLATES,
  MAX_TEMPLATE_LENGTH,
  templateTooLong,
  type PromptSettings,
} from '../../shared/template.ts';
import { useI18n } from '../i18n/i18n.ts';

interface Props {
  prompt: PromptSettings;
  onPromptChange(prompt: PromptSettings): void;
  /** The scoring the model is meant for; the switch is offered only where both make sense (SigLIP). */
  modelScoring: Scoring | null;
  scoring: Scoring | null;
  onScoringChange(scoring: Scoring): void;
}

/** How labels become prompts (a template, or an ensemble of templates) and how scores are read. */
export function PromptOptions({ prompt, onPromptChange, modelScoring, scoring, onScoringChange }: Props) {
  const effective = scoring ?? modelScoring;
  const { t } = useI18n();
  return (
    <div className="prompt-options">
      <label htmlFor="template-input" className="field-label">
        {t.template}
      </label>
      <input
        id="template-input"
        value={prompt.template}
        disabled={prompt.ensemble}
        aria-describedby="template-hint"
        spellCheck={false}
        autoComplete="off"
        onChange={(event) => onPromptChange({ ...prompt, template: event.target.value })}
      />
      <p id="template-hint" className="hint">
        <code>{'{}'}</code> {t.templateHint}
      </p>
      {!prompt.ensemble && templateTooLong(prompt.template) && (
        <p role="alert" className="error">
          {t.templateTooLong(MAX_TEMPLATE_LENGTH, DEFAULT_TEMPLATE)}
        </p>
      )}
      <label className="checkbox">
        <input
          type="checkbox"
          checked={prompt.ensemble}
          onChange={(event) => onPromptChange({ ...prompt, ensemble: event.target.checked })}
        />{' '}
        {t.ensemble(ENSEMBLE_TEMPLATES.length)}
      </label>
      {prompt.ensemble && (
        <details className="ensemble-templates">
          <summary>{t.ensembleList}</summary>
          <ul>
            {ENSEMBLE_TEMPLATES.map((template) => (
              <li key={template}>
                <code>{template}</code>
              </li>
            ))}
          </ul>
        </details>
      )}
      {modelScoring === 'sigmoid' && (
        <fieldset className="scoring-mode">
          <legend className="field-label">{t.scores}</legend>
          <label className="checkbox">
            <input
              type="radio"
              name="scoring"
              checked={effective === 'sigmoid'}
              onChange={() => onScoringChange('sigmoid')}
            />{' '}
            {t.anyThatApply}
          </label>
          <label className="checkbox">
            <input
              type="radio"
              name="scoring"
              checked={effective === 'softmax'}
              onChange={() => onScoringChange('softmax')}
            />{' '}
            {t.pickOne}
          </label>
          <p className="hint" id="scoring-hint">
            {effective === 'sigmoid' ? t.independentHint : t.distributionHint}
          </p>
        </fieldset>
      )}
    </div>
  );
}
