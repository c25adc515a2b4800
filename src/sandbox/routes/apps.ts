import { ApiError, notFound, validationFailed } from "../http/api-error.ts";
import { bodyObject, field } from "../http/body.ts";
import type { RequestContext } from "../http/context.ts";
import { paginate } from "../http/paginate.ts";
import type { Router } from "../http/router.ts";
import { issueToken, INSTALLATION_TOKEN_SECONDS, newToken } from "../auth/tokens.ts";
import { installation, integration } from "../serialize/app.ts";
import { repository } from "../serialize/repository.ts";
import type { App, Installation, PermissionSet } from "../state/model.ts";

const LEVELS = { read: 1, write: 2, admin: 3 } as const;

function appOf(context: RequestContext): App {
  if (context.principal.kind !== "app") {
    throw new ApiError(401, "A JSON web token could not be decoded", {
      documentationUrl: "https://docs.github.com/rest",
    });
  }
  return context.sandbox.store.apps.get(context.principal.appId)!;
}

function installationOf(context: RequestContext, app: App, id: number): Installation {
  const found = context.sandbox.store.installations.get(id);
  if (!found || found.appId !== app.id) throw notFound();
  return found;
}

/** Narrows an installation's permissions to those asked for; asking for more is 422, as on GitHub. */
function narrowPermissions(
  granted: PermissionSet,
  asked: Record<string, unknown> | undefined,
): PermissionSet {
  if (!asked) return granted;
  const result: PermissionSet = {};
  for (const [name, level] of Object.entries(asked)) {
    const have = granted[name];
    if (typeof level !== "string" || !(level in LEVELS)) {
      throw validationFailed(
        [
          {
            resource: "Installation",
            field: "permissions",
            code: "invalid",
            message: `${name}: ${String(level)}`,
          },
        ],
        "Invalid request.",
      );
    }
    if (!have || LEVELS[level as keyof typeof LEVELS] > LEVELS[have]) {
      throw validationFailed([], `The permissions requested are not granted to this installation.`);
    }
    result[name] = level as PermissionSet[string];
  }
  result.metadata ??= "read";
  return result;
}

/** GitHub App endpoints: the app itself, its installations, installation tokens, hook config. */
export function registerAppRoutes(router: Router): void {
  router.on("GET", "/app", (context) => ({
    status: 200,
    body: integration(context.sandbox, appOf(context)),
  }));

  router.on("GET", "/app/installations", (context) => {
    const app = appOf(context);
    const list = [...context.sandbox.store.installations.values()].filter(
      (i) => i.appId === app.id,
    );
    return paginate(
      context,
      list.map((i) => installation(context.sandbox, i)),
    );
  });

  router.on("GET", "/app/installations/:installation_id", (context) => {
    const app = appOf(context);
    return {
      status: 200,
      body: installation(
        context.sandbox,
        installationOf(context, app, Number(context.params.installation_id)),
      ),
    };
  });

  router.on("GET", "/orgs/:org/installation", (context) => {
    const app = appOf(context);
    const org = context.sandbox.store.orgByLogin(context.params.org ?? "");
    const found =
      org &&
      [...context.sandbox.store.installations.values()].find(
        (i) => i.appId === app.id && i.accountId === org.id,
      );
    if (!found) throw notFound();
    return { status: 200, body: installation(context.sandbox, found) };
  });

  router.on("GET", "/repos/:owner/:repo/installation", (context) => {
    const app = appOf(context);
    const repo = context.sandbox.store.repoByName(
      context.params.owner ?? "",
      context.params.repo ?? "",
    );
    const found =
      repo &&
      [...context.sandbox.store.installations.values()].find(
        (i) =>
          i.appId === app.id &&
          i.accountId === repo.ownerId &&
          (i.repositories === "all" || i.repositories.includes(repo.id)),
      );
    if (!found) throw notFound();
    return { status: 200, body: installation(context.sandbox, found) };
  });

  router.on("POST", "/app/installations/:installation_id/access_tokens", (context) => {
    const app = appOf(context);
    const inst = installationOf(context, app, Number(context.params.installation_id));
    const body = bodyObject(context);
    const names = field<unknown[]>(body, "repositories", "array", { resource: "Installation" });
    const ids = field<unknown[]>(body, "repository_ids", "array", { resource: "Installation" });
    const asked = field<Record<string, unknown>>(body, "permissions", "object", {
      resource: "Installation",
    });
    const { store } = context.sandbox;
    const covered = [...store.repos.values()].filter(
      (r) =>
        r.ownerId === inst.accountId &&
        (inst.repositories === "all" || inst.repositories.includes(r.id)),
    );
    let selected = covered;
    if (names || ids) {
      selected = [];
      for (const name of names ?? []) {
        const repo = covered.find((r) => r.name === name);
        if (!repo)
          throw validationFailed(
            [],
            `There is at least one repository that does not exist or is not accessible to the parent installation.`,
          );
        selected.push(repo);
      }
      for (const id of ids ?? []) {
        const repo = covered.find((r) => r.id === id);
        if (!repo)
          throw validationFailed(
            [],
            `There is at least one repository that does not exist or is not accessible to the parent installation.`,
          );
        selected.push(repo);
      }
    }
    const permissions = narrowPermissions(inst.permissions, asked);
    const repositoryIds = names || ids ? selected.map((r) => r.id) : inst.repositories;
    const token = newToken("ghs_");
    const { expiresAt } = issueToken(
      store,
      { kind: "installation", installationId: inst.id, token, permissions, repositoryIds },
      INSTALLATION_TOKEN_SECONDS,
    );
    return {
      status: 201,
      body: {
        token,
        expires_at: expiresAt,
        permissions,
        repository_selection: repositoryIds === "all" ? "all" : "selected",
        ...(repositoryIds === "all"
          ? {}
          : { repositories: selected.map((r) => repository(context.sandbox, r)) }),
      },
    };
  });

  router.on("GET", "/installation/repositories", (context) => {
    const p = context.principal;
    if (p.kind !== "installation")
      throw new ApiError(403, "This endpoint can only be accessed with an installation token");
    const inst = context.sandbox.store.installations.get(p.installationId)!;
    const repos = [...context.sandbox.store.repos.values()].filter(
      (r) =>
        r.ownerId === inst.accountId &&
        (p.repositoryIds === "all" || p.repositoryIds.includes(r.id)),
    );
    return paginate(
      context,
      repos.map((r) => repository(context.sandbox, r)),
      (page, total) => ({ total_count: total, repositories: page }),
    );
  });

  router.on("GET", "/app/hook/config", (context) => {
    const app = appOf(context);
    return {
      status: 200,
      body: {
        url: app.webhookUrl ?? "",
        content_type: "json",
        insecure_ssl: "0",
        secret: "********",
      },
    };
  });

  router.on("PATCH", "/app/hook/config", (context) => {
    const app = appOf(context);
    const body = bodyObject(context);
    const url = field<string>(body, "url", "string", { resource: "HookConfig" });
    const secret = field<string>(body, "secret", "string", { resource: "HookConfig" });
    if (url !== undefined && !/^https?:\/\//.test(url)) {
      throw validationFailed([{ resource: "HookConfig", field: "url", code: "invalid" }]);
    }
    if (url !== undefined) app.webhookUrl = url;
    if (secret !== undefined) app.webhookSecret = secret;
    return {
      status: 200,
      body: {
        url: app.webhookUrl ?? "",
        content_type: "json",
        insecure_ssl: "0",
        secret: "********",
      },
    };
  });
}
