/* A private CA and a server certificate for --public, made with openssl once and kept in the
 * data folder. Agents are given ca.crt (the ready line's "ca") to verify the server. */
import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface ServerCertificates {
  ca: string;
  key: string;
  certificate: string;
}

export function ensureCertificates(dir: string, domain: string): ServerCertificates {
  const certDir = join(dir, "certs");
  const files = {
    ca: join(certDir, "ca.crt"),
    caKey: join(certDir, "ca.key"),
    key: join(certDir, `${domain}.key`),
    csr: join(certDir, `${domain}.csr`),
    certificate: join(certDir, `${domain}.crt`),
    ext: join(certDir, `${domain}.ext`),
  };
  mkdirSync(certDir, { recursive: true, mode: 0o700 });
  const openssl = (...args: string[]) =>
    execFileSync("openssl", args, { stdio: ["ignore", "ignore", "pipe"] });
  if (!existsSync(files.ca)) {
    openssl(
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-days",
      "3650",
      "-keyout",
      files.caKey,
      "-out",
      files.ca,
      "-subj",
      `/CN=xiot CA for ${domain}`,
      "-addext",
      "basicConstraints=critical,CA:TRUE",
      "-addext",
      "keyUsage=critical,keyCertSign,cRLSign",
    );
  }
  if (!existsSync(files.certificate)) {
    writeFileSync(
      files.ext,
      `subjectAltName=DNS:${domain},DNS:hub.${domain}\nbasicConstraints=CA:FALSE\n` +
        "keyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n",
    );
    openssl(
      "req",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-keyout",
      files.key,
      "-out",
      files.csr,
      "-subj",
      `/CN=${domain}`,
    );
    openssl(
      "x509",
      "-req",
      "-in",
      files.csr,
      "-CA",
      files.ca,
      "-CAkey",
      files.caKey,
      "-CAcreateserial",
      "-out",
      files.certificate,
      "-days",
      "825",
      "-extfile",
      files.ext,
    );
  }
  for (const path of [files.caKey, files.key]) chmodSync(path, 0o600);
  return { ca: files.ca, key: files.key, certificate: files.certificate };
}
