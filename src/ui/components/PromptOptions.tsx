import type { Scoring } from '../../shared/protocol.ts';
import { ENSEMBLE_TEMPLATES, type PromptSettings } from '../../shared/template.ts';

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
  return (
    <div className="prompt-options">
      <label htmlFor="template-input" className="field-label">
        Prompt template
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
        <code>{'{}'}</code> is replaced by each label.
      </p>
      <label className="checkbox">
        <input
          type="checkbox"
          checked={prompt.ensemble}
          onChange={(event) => onPromptChange({ ...prompt, ensemble: event.target.checked })}
        />{' '}
        Prompt ensemble: average {ENSEMBLE_TEMPLATES.length} templates
      </label>
      {prompt.ensemble && (
        <details className="ensemble-templates">
          <summary>Templates averaged (OpenAI’s prompt-engineering set)</summary>
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
          <legend className="field-label">Scores</legend>
          <label className="checkbox">
            <input
              type="radio"
              name="scoring"
              checked={effective === 'sigmoid'}
              onChange={() => onScoringChange('sigmoid')}
            />{' '}
            Any that apply
          </label>
          <label className="checkbox">
            <input
              type="radio"
              name="scoring"
              checked={effective === 'softmax'}
              onChange={() => onScoringChange('softmax')}
            />{' '}
            Pick one label
          </label>
          <p className="hint" id="scoring-hint">
            {effective === 'sigmoid'
              ? 'Scores are independent: each says how well that one label applies, so they do not add up to 100%.'
              : 'Scores are shared among the labels and add up to 100%: the best single label ranks first.'}
          </p>
        </fieldset>
      )}
    </div>
  );
}
