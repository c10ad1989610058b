// A self-signed certificate per world, valid for the world's domain, its
// subdomains, localhost and 127.0.0.1.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { run } from "./process.js";

export type Certificate = { certFile: string; keyFile: string; pem: string };

export async function makeCertificate(dir: string, domain: string): Promise<Certificate> {
  const certFile = join(dir, `${domain}.crt`);
  const keyFile = join(dir, `${domain}.key`);
  await run("openssl", [
    "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
    "-days", "30", "-subj", `/CN=${domain}`,
    "-addext", `subjectAltName=DNS:${domain},DNS:*.${domain},DNS:localhost,IP:127.0.0.1`,
    "-keyout", keyFile, "-out", certFile,
  ]);
  return { certFile, keyFile, pem: readFileSync(certFile, "utf8") };
}
