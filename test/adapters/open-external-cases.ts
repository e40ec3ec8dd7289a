/**
 * The sign-in page the shell may open in the system browser, and addresses a crafted sign-in
 * could try to hand to the OS instead. Shared by the adapter test and the security checklist.
 */
export const endpoint = new URL(
  'https://am.nhsidentity.spineservices.nhs.uk/openam/oauth2/realms/root/realms/NHSIdentity/realms/Healthcare/authorize',
);
export const signInPage = new URL(`${endpoint.href}?response_type=code&client_id=cws&state=s1`);

export const refusedAddresses: ReadonlyArray<[string, string]> = [
  ['a local program', 'file:///C:/Windows/System32/calc.exe'],
  ['script', 'javascript:alert(1)'],
  ['a Windows settings page', 'ms-settings:privacy'],
  ['a UNC share', 'file://attacker.example/share/payload.exe'],
  [
    'credentials in the address',
    'https://user:pass@am.nhsidentity.spineservices.nhs.uk/openam/oauth2/realms/root/realms/NHSIdentity/realms/Healthcare/authorize',
  ],
  ['plain http to CIS2', endpoint.href.replace('https:', 'http:')],
  ['another https site', 'https://attacker.example/authorize?state=s1'],
  [
    'a look-alike host',
    'https://am.nhsidentity.spineservices.nhs.uk.attacker.example/openam/oauth2/realms/root/realms/NHSIdentity/realms/Healthcare/authorize',
  ],
  [
    'another port on the CIS2 host',
    'https://am.nhsidentity.spineservices.nhs.uk:8443/openam/oauth2/realms/root/realms/NHSIdentity/realms/Healthcare/authorize',
  ],
  ['another path on the CIS2 host', 'https://am.nhsidentity.spineservices.nhs.uk/openam/XUI/#logout'],
  ['plain http to a non-loopback host', 'http://192.168.1.10/auth'],
];
