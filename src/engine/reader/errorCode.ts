/** The errno code of a failed file operation ("EACCES", "ENOENT", ...), for one-line skip reasons. */
export function errorCode(error: unknown): string {
  return (error as NodeJS.ErrnoException | undefined)?.code ?? "error";
}
