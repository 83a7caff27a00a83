/** Provides the interface language: from `?lang=`, the person's last choice, or the browser. */
import { useEffect, useMemo, useState, type ReactNode } from 'react';
import { I18nContext, type I18n } from '../i18n/i18n.ts';
import { STORAGE_KEY, initialLocale, messagesFor, type Locale } from '../i18n/locales.ts';
import { useSession } from '../hooks/use-session.ts';

export function I18nProvider({ children }: { children: ReactNode }) {
  const session = useSession();
  const [locale, setLocaleState] = useState<Locale>(() => initialLocale(session.getSnapshot().settings.lang));
  useEffect(() => {
    document.documentElement.lang = locale === 'zh' ? 'zh-Hans' : 'en';
    document.title = messagesFor(locale).appTitle;
  }, [locale]);
  const value = useMemo<I18n>(
    () => ({
      locale,
      t: messagesFor(locale),
      setLocale: (next) => {
        setLocaleState(next);
        try {
          localStorage.setItem(STORAGE_KEY, next);
        } catch {
          // Not remembered; it still applies now.
        }
        // The person's choice from now on, not the link's.
        session.setLanguage(null);
      },
    }),
    [locale, session],
  );
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}
