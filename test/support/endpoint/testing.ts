/**
 * Helpers for tests that talk to the local endpoint: a temporary AWS config, the AWS CLI as a child
 * process, and raw SigV4-signed HTTP calls (for what SDKs never send: bursts, garbled headers).
 */
import { execFile } from 'node:child_process';
import { createHash, createHmac } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AwsConfigFilesOptions, DEFAULT_KEY, type EndpointAccessKey, awsConfigFiles } from './accounts';
import { TARGET_PREFIX } from './server';

export interface AwsConfigDir {
  dir: string;
  /** AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE and the variables that keep the CLI quiet and local. */
  env: Record<string, string>;
  cleanup(): void;
}

/** A temporary folder with an AWS config and credentials file holding the example profiles. */
export function makeAwsConfigDir(options: AwsConfigFilesOptions = {}): AwsConfigDir {
  const dir = mkdtempSync(join(tmpdir(), 'ctl-endpoint-aws-'));
  const files = awsConfigFiles(options);
  writeFileSync(join(dir, 'config'), files.config);
  writeFileSync(join(dir, 'credentials'), files.credentials);
  return {
    dir,
    env: {
      AWS_CONFIG_FILE: join(dir, 'config'),
      AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'),
      AWS_PAGER: '',
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_CLI_AUTO_PROMPT: 'off',
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Environment without AWS_* variables of the machine, so only the temporary config counts. */
export function cleanEnvironment(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('AWS_')) env[key] = value;
  return { ...env, ...extra };
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs a program with `cleanEnvironment(env)`; resolves (never rejects) with its exit code and output. */
export function runProcess(file: string, args: readonly string[], env: Record<string, string>, options: { timeoutMs?: number } = {}): Promise<CliResult> {
  const started = Date.now();
  return new Promise((resolve) => {
    execFile(file, [...args], { env: cleanEnvironment(env), maxBuffer: 256 * 1024 * 1024, timeout: options.timeoutMs ?? 0 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr, ms: Date.now() - started });
    });
  });
}

export function runAws(awsPath: string, args: readonly string[], env: Record<string, string>): Promise<CliResult> {
  return runProcess(awsPath, args, env, { timeoutMs: 90_000 });
}

/** `node <cli> events …`: the bundled cloudtrail-lens as a user runs it. */
export function runEventsCli(cli: string, args: readonly string[], env: Record<string, string>): Promise<CliResult> {
  return runProcess(process.execPath, [cli, 'events', ...args], env);
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export function rawPost(url: string, headers: Record<string, string>, body: string): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { ...headers, 'Content-Length': String(Buffer.byteLength(body)) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const sha256 = (data: string): string => createHash('sha256').update(data).digest('hex');
const hmac = (key: Buffer | string, data: string): Buffer => createHmac('sha256', key).update(data).digest();

/** Real SigV4 headers for a POST / (the endpoint reads only the credential scope, but clients sign like this). */
export function signedHeaders(
  url: string,
  body: string,
  options: { key?: EndpointAccessKey; region?: string; service?: string; headers?: Record<string, string>; now?: Date } = {},
): Record<string, string> {
  const key = options.key ?? DEFAULT_KEY;
  const region = options.region ?? 'us-east-1';
  const service = options.service ?? 'cloudtrail';
  const host = new URL(url).host;
  const amzDate = (options.now ?? new Date()).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  const date = amzDate.slice(0, 8);
  const headers: Record<string, string> = { host, 'x-amz-date': amzDate, ...(key.sessionToken && { 'x-amz-security-token': key.sessionToken }) };
  for (const [name, value] of Object.entries(options.headers ?? {})) headers[name.toLowerCase()] = value;
  const names = Object.keys(headers).sort();
  const canonical = ['POST', '/', '', ...names.map((name) => `${name}:${headers[name]?.trim() ?? ''}`), '', names.join(';'), sha256(body)].join('\n');
  const scope = `${date}/${region}/${service}/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonical)].join('\n');
  const signingKey = hmac(hmac(hmac(hmac(`AWS4${key.secretAccessKey}`, date), region), service), 'aws4_request');
  const signature = createHmac('sha256', signingKey).update(toSign).digest('hex');
  const out: Record<string, string> = { ...headers, authorization: `AWS4-HMAC-SHA256 Credential=${key.accessKeyId}/${scope}, SignedHeaders=${names.join(';')}, Signature=${signature}` };
  delete out.host;
  return out;
}

/** One CloudTrail call over raw HTTP, signed. */
export async function callCloudTrail(
  url: string,
  operation: string,
  input: unknown,
  options: { key?: EndpointAccessKey; region?: string } = {},
): Promise<{ status: number; body: { [key: string]: unknown }; headers: RawResponse['headers'] }> {
  const body = JSON.stringify(input);
  const headers = signedHeaders(url, body, {
    ...options,
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `${TARGET_PREFIX}${operation}` },
  });
  const response = await rawPost(url, headers, body);
  return { status: response.status, body: JSON.parse(response.body) as { [key: string]: unknown }, headers: response.headers };
}

/** JSON control API call (faults, request log, rate). */
export async function control(url: string, method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${url}${path}`, { method, ...(body !== undefined && { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }) });
  if (!response.ok) throw new Error(`${method} ${path}: HTTP ${response.status} ${await response.text()}`);
  return (await response.json());
}
