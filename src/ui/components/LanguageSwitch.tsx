import { LOCALES, useI18n, type Locale } from '../i18n/i18n.ts';

/** English or Simplified Chinese; the choice is remembered. */
export function LanguageSwitch() {
  const { locale, t, setLocale } = useI18n();
  return (
    <label className="language-switch">
      <span className="visually-hidden">{t.language} / Language</span>
      <select value={locale} onChange={(event) => setLocale(event.target.value as Locale)}>
        {LOCALES.map(({ value, name }) => (
          <option key={value} value={value} lang={value === 'zh' ? 'zh-Hans' : 'en'}>
            {name}
          </option>
        ))}
      </select>
    </label>
  );
}
