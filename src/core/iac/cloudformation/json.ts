/**
 * CloudFormation JSON → CfnNode. JSON is a subset of YAML 1.2, so the `yaml` package reads it
 * with its JSON schema: exact offsets, error recovery, duplicate keys reported, no exceptions,
 * and no second parser in the bundle.
 */
import type { IacProblem } from '../types';
import type { CfnNode } from './nodes';
import { readYaml } from './yaml';

export interface JsonReadResult {
  readonly root: CfnNode | undefined;
  readonly problems: IacProblem[];
}

export function readJson(text: string, file: string): JsonReadResult {
  return readYaml(text, file, true);
}
