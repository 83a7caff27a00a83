/** Dates as the interface's language writes them (not the browser's default locale). */
import type { Locale } from './locales.ts';

const formats: Record<Locale, Intl.DateTimeFormat> = {
  en: new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'short' }),
  zh: new Intl.DateTimeFormat('zh-Hans', { dateStyle: 'medium', timeStyle: 'short' }),
};

export function formatDateTime(locale: Locale, at: number): string {
  return formats[locale].format(at);
}
