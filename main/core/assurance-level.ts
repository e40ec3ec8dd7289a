/**
 * Authenticator Assurance Level of a sign-in, as NIST 800-63B names it.
 * CIS2 reports it through `acr` (and `amr`); see aal-mapping for the table.
 */
export type Aal = 'AAL2' | 'AAL3';
