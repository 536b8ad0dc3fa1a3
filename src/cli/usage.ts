// The CLI's help text and its usage errors (exit status 2).
import { LongLensError } from "../engine";

export const USAGE_ERROR = "USAGE";

export const HELP = `longlens: ask questions about a codebase or a huge file, locally.

Usage:
  longlens index <path> [--store DIR] [--allow-outside DIR]... [--json]
  longlens ask <path> "<question>" [--top K] [--store DIR] [--allow-outside DIR]... [--json]
  longlens ask <path> --batch FILE [--top K] [--store DIR] [--allow-outside DIR]... [--json]
  longlens needle <path> "<question>" [--store DIR] [--allow-outside DIR]... [--json]
  longlens needle <path> --batch FILE [--store DIR] [--allow-outside DIR]... [--json]
  longlens inspect <file> [--lines A-B] [--token I] [--variant rope] [--question "<q>"] [--in PATH] [--store DIR] [--json]

<path> is a folder or a single file. ask and needle index it first when it has no index yet.

Options:
  --store DIR    keep the index in DIR: new, empty or a LongLens store (default: a per-user cache folder)
  --allow-outside DIR
                 follow symbolic links from <path> into DIR as well (repeatable); links that
                 leave <path> for anywhere else are skipped and reported
  --json         print JSON (with --batch: one JSON document per line)
  --top K        how many hits to return (ask)
  --batch FILE   one question per line, answered in order with the index loaded once
  --lines A-B    only these lines (inspect; at most 2,000 tokens are read)
  --token I      also the full attention rows of the window's token I (inspect)
  --variant V    longlens (the shipped model, default) or rope (before the drop) (inspect)
  --question Q   the memory slots question Q reads, in every shard (inspect; else --token's)
  --in PATH      the indexed folder whose memory inspect reads (default: the nearest indexed one above the file)
  -h, --help     show this help
  -v, --version  print the version

Exit status: 0 ok, 1 error, 2 usage error, 130 interrupted (143 SIGTERM, 129 SIGHUP).
`;

export function usageError(message: string): LongLensError {
  return new LongLensError(`${message} (see longlens --help)`, USAGE_ERROR);
}
