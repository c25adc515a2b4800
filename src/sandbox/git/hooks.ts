import { chmod, writeFile } from "node:fs/promises";
import path from "node:path";

/**
 * The pre-receive hook of every sandbox repository: like GitHub, refuse a push that creates
 * or changes files under `.github/workflows/` unless the pusher's credential carries the
 * `workflows` permission (the server passes it in LANCER_PUSH_WORKFLOWS).
 */
const PRE_RECEIVE = `#!/usr/bin/env bash
[ "$LANCER_PUSH_WORKFLOWS" = "write" ] && exit 0
zero=0000000000000000000000000000000000000000
status=0
while read -r old new ref; do
  [ "$new" = "$zero" ] && continue
  if [ "$old" = "$zero" ]; then range=("$new" --not --all); else range=("$old..$new"); fi
  changed=$(git log --format= --name-only "\${range[@]}" -- .github/workflows/ | sort -u | head -n 1)
  if [ -n "$changed" ]; then
    echo "refusing to allow a credential to create or update workflow \\\`$changed\\\` without \\\`workflows\\\` permission" >&2
    status=1
  fi
done
exit $status
`;

/** Installs Lancer's hooks into a bare repository. */
export async function installHooks(gitDir: string): Promise<void> {
  const file = path.join(gitDir, "hooks", "pre-receive");
  await writeFile(file, PRE_RECEIVE);
  await chmod(file, 0o755);
}
