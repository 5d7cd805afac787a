/**
 * Built-in interface strings. One `|`-separated line per locale keeps them small in the bundle;
 * the order is given by `Text` below. Survey questions and prompts come from the project's config.
 */

export enum Text {
  Close = 0,
  Send = 1,
  Thanks = 2,
  NpsLow = 3,
  NpsHigh = 4,
  CesLow = 5,
  CesHigh = 6,
  /** Five CSAT labels follow, for scores 1 to 5. */
  Csat = 7,
  /** Follow-up prompts by band: negative, neutral, positive. */
  FollowUp = 12,
}

const table: Record<string, string> = {
  en: 'Close|Send|Thank you for your feedback!|Not at all likely|Extremely likely|Strongly disagree|Strongly agree|Very dissatisfied|Dissatisfied|Neutral|Satisfied|Very satisfied|What could we do better?|What would make it even better?|What did you like most?',
  de: 'Schließen|Senden|Vielen Dank für Ihr Feedback!|Überhaupt nicht wahrscheinlich|Äußerst wahrscheinlich|Stimme überhaupt nicht zu|Stimme voll und ganz zu|Sehr unzufrieden|Unzufrieden|Neutral|Zufrieden|Sehr zufrieden|Was können wir besser machen?|Was würde es noch besser machen?|Was hat Ihnen am besten gefallen?',
  fr: "Fermer|Envoyer|Merci pour votre avis !|Pas du tout probable|Très probable|Pas du tout d'accord|Tout à fait d'accord|Très insatisfait|Insatisfait|Neutre|Satisfait|Très satisfait|Que pourrions-nous améliorer ?|Qu'est-ce qui serait encore mieux ?|Qu'avez-vous le plus apprécié ?",
  es: 'Cerrar|Enviar|¡Gracias por tu opinión!|Nada probable|Muy probable|Totalmente en desacuerdo|Totalmente de acuerdo|Muy insatisfecho|Insatisfecho|Neutral|Satisfecho|Muy satisfecho|¿Qué podríamos mejorar?|¿Qué lo haría aún mejor?|¿Qué es lo que más te gustó?',
  pt: 'Fechar|Enviar|Obrigado pelo seu feedback!|Nada provável|Muito provável|Discordo totalmente|Concordo totalmente|Muito insatisfeito|Insatisfeito|Neutro|Satisfeito|Muito satisfeito|O que podemos melhorar?|O que deixaria ainda melhor?|Do que você mais gostou?',
  ja: '閉じる|送信|フィードバックをありがとうございました！|まったく可能性がない|非常に可能性が高い|まったくそう思わない|強くそう思う|非常に不満|不満|どちらでもない|満足|非常に満足|改善できる点を教えてください。|さらに良くするには？|特に良かった点を教えてください。',
  ar: 'إغلاق|إرسال|شكرًا لك على ملاحظاتك!|غير محتمل على الإطلاق|محتمل للغاية|لا أوافق بشدة|أوافق بشدة|غير راضٍ جدًا|غير راضٍ|محايد|راضٍ|راضٍ جدًا|ما الذي يمكننا تحسينه؟|ما الذي يجعلها أفضل؟|ما الذي أعجبك أكثر؟',
};

export type Strings = readonly string[];

/** Languages with built-in strings. */
export const builtInLanguages = Object.keys(table);

const language = (locale: string) => locale.toLowerCase().split(/[-_]/)[0] ?? '';

/** Built-in strings for a locale (by its language), English when we have none. */
export function stringsFor(locale: string): Strings {
  return (table[language(locale)] ?? table.en!).split('|');
}

/** Writing direction of a locale. */
export function directionOf(locale: string): 'ltr' | 'rtl' {
  return /^(ar|he|fa|ur|ps|yi|dv|ckb|sd|ug)$/.test(language(locale)) ? 'rtl' : 'ltr';
}
