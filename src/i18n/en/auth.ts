/** English texts for the token stage (identity platform, token endpoint network, token content, config). */
import type { CodeCatalog, UiCatalog } from "../types.js";

const APP = "Entra admin center > Identity > Applications > App registrations > (your app, client ID {clientId})";

export const authCodes: CodeCatalog = {
  TENANT_NOT_FOUND: {
    summary: "The tenant {tenantId} does not exist at {authorityHost}.",
    causes: [
      "A typo in the tenant ID or domain, or the tenant lives in another national cloud.",
      "The domain is not a verified domain of the tenant.",
    ],
    fix: [
      "Copy the Directory (tenant) ID from Entra admin center > Identity > Overview > Tenant ID and pass it with --tenant-id.",
      "For US Government or China tenants add --cloud usgov or --cloud china.",
    ],
  },
  TENANT_INVALID: {
    summary: "The tenant identifier {tenantId} is not usable for app-only tokens.",
    causes: ["The value is neither a tenant GUID nor a verified domain name (e.g. contoso.onmicrosoft.com)."],
    fix: ["Use the tenant ID from Entra admin center > Identity > Overview > Tenant ID: --tenant-id <GUID>."],
  },
  WRONG_CLOUD: {
    summary: "The tenant {tenantId} belongs to a different national cloud than {authorityHost}.",
    causes: ["The tenant is in Azure US Government or Azure China (21Vianet), or vice versa."],
    fix: [
      "Add --cloud usgov (login.microsoftonline.us) or --cloud china (login.partner.microsoftonline.cn), or set --authority-host.",
    ],
  },
  APP_NOT_FOUND: {
    summary: "No application with client ID {clientId} exists in tenant {tenantId}.",
    causes: [
      "The client ID is wrong (e.g. the object ID was copied), or the app is registered in another tenant.",
      "The app was just created and not yet replicated (wait a minute).",
    ],
    fix: [
      `Copy the Application (client) ID from ${APP} > Overview and check that the tenant ID is the same directory.`,
    ],
  },
  CLIENT_SECRET_INVALID: {
    summary: "The client secret was rejected for app {clientId}.",
    causes: ["The secret is mistyped, truncated, or belongs to another app registration."],
    fix: [
      `Create a new secret in ${APP} > Certificates & secrets > Client secrets > New client secret and copy its Value (shown once).`,
    ],
  },
  CLIENT_SECRET_EXPIRED: {
    summary: "The client secret of app {clientId} has expired.",
    causes: ["Client secrets have an end date (at most 24 months)."],
    fix: [
      `Create a new secret in ${APP} > Certificates & secrets > Client secrets > New client secret, copy its Value and update --client-secret-file / AZURE_CLIENT_SECRET.`,
    ],
  },
  CLIENT_CREDENTIAL_MISSING: {
    summary: "The token request carried neither a client secret nor a client assertion.",
    causes: ["The secret is empty, or a proxy stripped the request body."],
    fix: ["Give --client-secret-file PATH, AZURE_CLIENT_SECRET or --certificate PATH."],
  },
  CERTIFICATE_INVALID: {
    summary: "The certificate credential was rejected for app {clientId}.",
    causes: [
      "The certificate is not uploaded to the app registration, or another certificate/key was used to sign.",
      "The certificate expired.",
    ],
    fix: [
      `Upload the certificate (public part, .cer/.pem) in ${APP} > Certificates & secrets > Certificates > Upload certificate and compare its thumbprint.`,
    ],
  },
  CLOCK_SKEW: {
    summary: "The client assertion was outside its valid time range.",
    causes: ["This machine's clock is wrong by several minutes."],
    fix: ["Synchronise the clock: `timedatectl set-ntp true` (or `chronyc makestep`), then try again."],
  },
  SCOPE_INVALID: {
    summary: "The scope {scope} is not valid for client credentials.",
    causes: ["Client credentials need `<resource>/.default`, e.g. https://outlook.office365.com/.default."],
    fix: ["Drop --scope, or use --scope https://outlook.office365.com/.default."],
  },
  RESOURCE_NOT_FOUND: {
    summary: "The resource in scope {scope} does not exist in tenant {tenantId}.",
    causes: ["A typo in the resource URL of the scope, or Exchange Online is not licensed in this tenant."],
    fix: ["Use --scope https://outlook.office365.com/.default (the default)."],
  },
  APP_DISABLED: {
    summary: "The application {clientId} is disabled in tenant {tenantId}.",
    causes: ["An administrator disabled sign-in for its enterprise application."],
    fix: [
      "Entra admin center > Identity > Applications > Enterprise applications > (app {clientId}) > Properties > Enabled for users to sign-in? = Yes.",
    ],
  },
  CONDITIONAL_ACCESS_BLOCKED: {
    summary: "A Conditional Access policy blocked the token request of app {clientId}.",
    causes: ["A policy for workload identities blocks this app, e.g. by location or IP range."],
    fix: [
      "Check Entra admin center > Identity > Monitoring & health > Sign-in logs > Service principal sign-ins for the failed request and the policy that blocked it.",
    ],
  },
  THROTTLED: {
    summary: "The identity platform throttled token requests of app {clientId}.",
    causes: ["Too many identical token requests in a short time (tokens not cached)."],
    fix: ["Wait a few minutes; do not use --no-cache in loops so the cached token is reused."],
  },
  TOKEN_ENDPOINT_UNREACHABLE: {
    summary: "The token endpoint {host}:{port} cannot be reached.",
    causes: ["DNS, firewall or proxy settings block the connection."],
    fix: ["Check `curl -v https://{host}:{port}/`; behind a proxy set HTTPS_PROXY or --proxy http://proxy:3128."],
  },
  TOKEN_ENDPOINT_ERROR: {
    summary: "The token endpoint returned an error xoauth-mail does not know.",
    causes: [
      "The answer carried no AADSTS error number (a service outage, or a proxy or firewall answering in its place).",
    ],
    fix: [
      "Retry in a few minutes and check https://status.cloud.microsoft/ ; if it persists, check that --authority-host is right and that no proxy or firewall rewrites the answer (the server reply shows what came back).",
    ],
  },
  TLS_UNTRUSTED: {
    summary: "The TLS certificate of {host}:{port} is not trusted.",
    causes: ["A TLS-inspecting proxy or firewall replaces certificates with ones signed by a private CA."],
    fix: ["Trust that CA in addition to the system roots: --ca-file /path/to/ca.pem (or NODE_EXTRA_CA_CERTS)."],
  },
  TLS_HOSTNAME_MISMATCH: {
    summary: "The TLS certificate of {host}:{port} is for another host name.",
    causes: ["The host name or --authority-host is wrong, or a proxy intercepts the connection."],
    fix: ["Check the host name in --authority-host; use the name the certificate was issued for."],
  },
  TIMEOUT: {
    summary: "The connection to {host}:{port} timed out.",
    causes: ["A firewall drops the packets, or a proxy is needed."],
    fix: ["Check connectivity; behind a proxy set HTTPS_PROXY or --proxy."],
  },
  PERMISSION_MISSING: {
    summary: "The token lacks the application permission the protocol needs.",
    causes: ["The API permission was not added, or admin consent was not granted."],
    fix: [
      `${APP} > API permissions > Add a permission > APIs my organization uses > Office 365 Exchange Online > Application permissions > POP.AccessAsApp / IMAP.AccessAsApp / SMTP.SendAsApp, then Grant admin consent.`,
    ],
  },
  WRONG_AUDIENCE: {
    summary: "The token is not for Exchange Online.",
    causes: ["The wrong scope was requested (e.g. Microsoft Graph)."],
    fix: ["Use --scope https://outlook.office365.com/.default (the default)."],
  },
  TOKEN_EXPIRED: {
    summary: "The token has expired.",
    causes: ["It was cached too long, or the clock is wrong."],
    fix: ["Run again with --no-cache; check the clock with `timedatectl`."],
  },
  CONFIG_INVALID: {
    summary: "The configuration is invalid.",
    causes: ["A value in the config file, a flag or an environment variable is wrong."],
    fix: ["Fix the value named in the message; `xoauth-mail {command} --help` lists the options of each command."],
  },
  USAGE: {
    summary: "The command line is incomplete or wrong.",
    causes: ["A required option is missing or has a wrong value."],
    fix: ["See `xoauth-mail {command} --help` for the options and examples of the command you ran."],
  },
};

export const authUi: UiCatalog = {
  "tls.envIgnored":
    "NODE_TLS_REJECT_UNAUTHORIZED=0 is set and ignored: xoauth-mail always verifies TLS certificates (token endpoint, proxy, mail servers). For a private or TLS-inspecting CA use --ca-file (or caFile, NODE_EXTRA_CA_CERTS).",
  "auth.noAnswer.why":
    "The connection to {host}:{port} worked and the request was sent, but no answer came within {seconds} s: the endpoint is overloaded, or a proxy or firewall holds the answer back.",
  "auth.noAnswer.fix":
    "Retry; if it keeps happening check https://status.cloud.microsoft/ and any TLS-inspecting proxy or firewall between this host and {host}.",
  "auth.unknownAadsts.why":
    "Microsoft answered with AADSTS{aadsts}, which xoauth-mail has no specific advice for; the server reply names the cause.",
  "auth.unknownAadsts.fix": "Look up AADSTS{aadsts}: https://login.microsoftonline.com/error?code={aadsts}",
  "auth.proxy.why":
    "The connection to the HTTPS proxy {proxy} failed before the token endpoint was contacted: the proxy is down, or the proxy address is wrong.",
  "auth.proxy.fix":
    "Check the proxy address in --proxy or the HTTPS_PROXY / https_proxy environment variable (e.g. `curl -v -x {proxy} https://login.microsoftonline.com/`); if the token endpoint is reachable without a proxy, add its host to NO_PROXY or remove the proxy setting.",
  "auth.tokenEndpointError": "the token endpoint refused the request",
  "auth.secretIdHint.why":
    "The secret given looks like a GUID: that is the secret's ID, not its Value (the Value is a ~40 character string shown only once).",
  "auth.secretIdHint.fix":
    "Entra admin center > Identity > Applications > App registrations > (app {clientId}) > Certificates & secrets > Client secrets > New client secret; copy the Value column, not the Secret ID.",
  "auth.multiTenant.why": "The /common and /organizations endpoints cannot issue app-only tokens.",
  "auth.multiTenant.fix":
    "Use the tenant ID: Entra admin center > Identity > Overview > Tenant ID, then --tenant-id <that GUID>.",
};
