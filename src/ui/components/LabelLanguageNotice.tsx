import { catalogueEntry, CATALOGUE } from '../../shared/catalogue.ts';
import { mostlyLanguage, type LabelLanguage } from '../../shared/label-script.ts';
import type { ModelInfo } from '../../shared/types.ts';
import { useI18n } from '../i18n/i18n.ts';

interface Props {
  labels: readonly string[];
  /** The loaded model (its languages), or null while it loads. */
  model: ModelInfo | null;
  modelId: string;
  onSwitch(modelId: string): void;
}

/** The catalogue's model for labels in a language: Chinese-CLIP for Chinese, the default CLIP for English. */
function modelFor(language: LabelLanguage): string | undefined {
  return CATALOGUE.find((entry) => entry.labelLanguages.includes(language))?.id;
}

/**
 * Says when most labels are in a script the model was not trained on (an English CLIP reads
 * Chinese characters as unknown byte sequences, and still shows confident bars), and offers the
 * catalogue's model for that language in one click. The model's languages come from its family
 * (as loaded) or its catalogue entry, never from a guess.
 */
export function LabelLanguageNotice({ labels, model, modelId, onSwitch }: Props) {
  const { t } = useI18n();
  const language = mostlyLanguage(labels);
  const languages = model?.languages ?? catalogueEntry(modelId)?.labelLanguages;
  if (!language || !languages || languages.includes(language)) return null;
  const other = modelFor(language);
  return (
    <div className="notice warning label-language" role="note">
      <p>{language === 'zh' ? t.labelsChinese(modelId) : t.labelsEnglish(modelId)}</p>
      {other && other !== modelId && (
        <button type="button" className="secondary small" onClick={() => onSwitch(other)}>
          {t.useModel(catalogueEntry(other)?.name ?? other)}
        </button>
      )}
    </div>
  );
}
