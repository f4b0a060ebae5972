/**
 * PII suggestions from column names and types. They are suggestions: the writer records them as
 * `contractgen.pii.suggested` (with the reason) and lint warns until a person confirms or removes them. Nothing
 * here reads data, so no value ever reaches a contract.
 */
import type { ColumnDesc, TableDesc } from './describe.js';

/** Name words (snake_case, camelCase and kebab-case split) → what the column probably holds. */
const RULES: Array<[RegExp, string]> = [
  [/^(e_?mail|email_address|mail)$/, 'an e-mail address'],
  [/^(phone|phone_number|mobile|mobile_phone|telephone|tel|cell|msisdn|whatsapp)$/, 'a phone number'],
  [/^(first_name|last_name|full_name|middle_name|given_name|family_name|surname|maiden_name|display_name|legal_name|card_holder|cardholder|holder_name|contact_name|person_name|customer_name|user_name|nickname)$/, "a person's name"],
  [/^(birth_date|birthdate|date_of_birth|dob|birthday|birth_day)$/, 'a date of birth'],
  [/^(ssn|social_security_number|cpf|cnpj|nin|national_id|national_insurance|tax_id|taxpayer_id|tin|passport|passport_number|document_number|id_number|identity_number|drivers_license|driver_license|license_number|nif|dni|rut|curp|aadhaar|sin)$/, 'a government identifier'],
  [/^(address|street|street_address|address_line\d?|addr|postal_code|postcode|zip|zip_code|zipcode|home_address)$/, 'a postal address'],
  [/^(ip|ip_address|ipaddress|ipv4|ipv6|client_ip|remote_addr|remote_ip|mac_address|device_id|imei|idfa|advertising_id)$/, 'a network or device identifier'],
  [/^(lat|lon|lng|latitude|longitude|geo|geolocation|location|coordinates|gps|pickup_lat|pickup_lon|dropoff_lat|dropoff_lon)$/, 'a precise location'],
  [/^(card_number|credit_card|cc_number|pan|iban|account_number|bank_account|routing_number|bic|swift)$/, 'a payment or bank account number'],
  [/^(gender|sex|ethnicity|race|religion|nationality|marital_status|sexual_orientation|health|diagnosis|disability|blood_type)$/, 'a special category of personal data'],
  [/^(salary|income|credit_score)$/, 'financial personal data'],
];

/** Names as snake_case words: `firstName` → first_name, `First-Name` → first_name. */
function snake(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .toLowerCase()
    .replace(/^_+|_+$/g, '');
}

/** Why a column may hold personal data, or undefined. */
export function piiReason(c: Pick<ColumnDesc, 'name' | 'physicalType' | 'type' | 'comment'>): string | undefined {
  const n = snake(c.name);
  const words = n.split('_');
  for (const [re, what] of RULES) {
    if (re.test(n)) return `column name "${c.name}" suggests ${what}`;
    // the last word or two carry the meaning: customer_email, rider_phone_number, home_zip
    const tail1 = words.slice(-1).join('_');
    const tail2 = words.slice(-2).join('_');
    if ((words.length > 1 && re.test(tail2)) || (words.length > 1 && tail1.length > 2 && re.test(tail1))) return `column name "${c.name}" suggests ${what}`;
  }
  const t = (c.physicalType ?? '').toLowerCase();
  if (/^(inet|cidr|macaddr8?)$/.test(t)) return `type ${t} holds a network address`;
  if (c.comment && /\b(pii|personal data|personally identifiable)\b/i.test(c.comment)) return 'the column comment mentions personal data';
  return undefined;
}

/** Suggests PII on every column (nested fields too) that does not already carry a suggestion. */
export function suggestPii(tables: readonly TableDesc[]): void {
  const walk = (cols: readonly ColumnDesc[]) => {
    for (const c of cols) {
      c.piiSuggested ??= piiReason(c);
      if (c.type.kind === 'object') walk(c.type.fields);
    }
  };
  for (const t of tables) walk(t.columns);
}
