import path from "node:path";
import { actingUserId, canSee, repoFor, userRole } from "../auth/permissions.ts";
import type { ApiError } from "../http/api-error.ts";
import { forbidden, notFound, validationFailed } from "../http/api-error.ts";
import { bodyObject, field } from "../http/body.ts";
import type { RequestContext } from "../http/context.ts";
import { paginate } from "../http/paginate.ts";
import type { Router } from "../http/router.ts";
import { createBareRepo, deleteBareRepo, moveBareRepo } from "../git/create-repo.ts";
import { repository } from "../serialize/repository.ts";
import { collaboratorPermission } from "./collaborator-permission.ts";
import type { Org, Repo, Role } from "../state/model.ts";
import { timestamp } from "../state/store.ts";

const REPO_NAME = /^[A-Za-z0-9._-]{1,100}$/;
/** The `permission` values of "add a repository collaborator" and the role each gives. */
const PERMISSION_ALIASES: Partial<Record<string, Role>> = {
  pull: "read",
  triage: "triage",
  push: "write",
  maintain: "maintain",
  admin: "admin",
};

/** Whether the caller may create repositories in an org: an org admin, or an app with administration:write. */
function mayCreateIn(context: RequestContext, org: Org): boolean {
  const p = context.principal;
  if (p.kind === "user") return org.members.get(p.userId) === "admin";
  if (p.kind === "installation") {
    const inst = context.sandbox.store.installations.get(p.installationId)!;
    return inst.accountId === org.id && p.permissions.administration === "write";
  }
  return false;
}

function nameProblem(
  context: RequestContext,
  ownerId: number,
  name: string,
  except?: number,
): ApiError | undefined {
  if (!REPO_NAME.test(name) || name === "." || name === "..") {
    return validationFailed(
      [{ resource: "Repository", field: "name", code: "custom", message: "name is invalid" }],
      "Repository creation failed.",
    );
  }
  const taken = [...context.sandbox.store.repos.values()].some(
    (r) => r.ownerId === ownerId && r.name.toLowerCase() === name.toLowerCase() && r.id !== except,
  );
  if (taken) {
    return validationFailed(
      [
        {
          resource: "Repository",
          field: "name",
          code: "custom",
          message: "name already exists on this account",
        },
      ],
      "Repository creation failed.",
    );
  }
  return undefined;
}

/** Repositories: create in an org, get, list, update, delete, collaborators. */
export function registerRepoRoutes(router: Router): void {
  router.on("POST", "/orgs/:org/repos", async (context) => {
    const { sandbox } = context;
    const org = sandbox.store.orgByLogin(context.params.org ?? "");
    if (!org) throw notFound();
    if (!mayCreateIn(context, org))
      throw forbidden(
        "You need admin access to the organization before adding a repository to it.",
      );
    const body = bodyObject(context);
    const name = field<string>(body, "name", "string", { resource: "Repository", required: true })!;
    const description = field<string>(body, "description", "string", {
      resource: "Repository",
      nullable: true,
    });
    const homepage = field<string>(body, "homepage", "string", {
      resource: "Repository",
      nullable: true,
    });
    const isPrivate = field<boolean>(body, "private", "boolean", { resource: "Repository" });
    const visibility = field<string>(body, "visibility", "string", { resource: "Repository" });
    const autoInit = field<boolean>(body, "auto_init", "boolean", { resource: "Repository" });
    const hasIssues = field<boolean>(body, "has_issues", "boolean", { resource: "Repository" });
    const hasProjects = field<boolean>(body, "has_projects", "boolean", { resource: "Repository" });
    const hasWiki = field<boolean>(body, "has_wiki", "boolean", { resource: "Repository" });
    if (visibility !== undefined && !["public", "private", "internal"].includes(visibility)) {
      throw validationFailed([{ resource: "Repository", field: "visibility", code: "invalid" }]);
    }
    const problem = nameProblem(context, org.id, name);
    if (problem) throw problem;
    const now = timestamp();
    const repo: Repo = {
      id: sandbox.store.nextId(),
      name,
      ownerId: org.id,
      private: visibility ? visibility !== "public" : (isPrivate ?? false),
      description: description ?? null,
      homepage: homepage ?? null,
      defaultBranch: "main",
      hasIssues: hasIssues ?? true,
      hasProjects: hasProjects ?? true,
      hasWiki: hasWiki ?? true,
      archived: false,
      createdAt: now,
      updatedAt: now,
      pushedAt: autoInit ? now : null,
      gitDir: path.join(sandbox.gitRoot, org.login, `${name}.git`),
      collaborators: new Map(),
      nextNumber: 1,
    };
    const creator = sandbox.store.users.get(actingUserId(context));
    await createBareRepo(
      repo.gitDir,
      repo.defaultBranch,
      autoInit
        ? {
            text: `# ${name}\n${description ? `\n${description}\n` : ""}`,
            author: {
              name: creator?.login ?? "lancer",
              email: creator?.email ?? "lancer@lancer.invalid",
            },
          }
        : undefined,
    );
    sandbox.store.putRepo(repo);
    return {
      status: 201,
      body: repository(sandbox, repo, context.principal),
      headers: { location: `${sandbox.apiUrl}/repos/${org.login}/${name}` },
    };
  });

  router.on("GET", "/repos/:owner/:repo", (context) => {
    const repo = repoFor(context, "metadata", "read");
    return { status: 200, body: repository(context.sandbox, repo, context.principal) };
  });

  router.on("GET", "/orgs/:org/repos", (context) => {
    const { store } = context.sandbox;
    const org = store.orgByLogin(context.params.org ?? "");
    if (!org) throw notFound();
    const type = context.query.get("type") ?? "all";
    const repos = [...store.repos.values()]
      .filter((r) => r.ownerId === org.id && canSee(store, context.principal, r))
      .filter(
        (r) =>
          type === "all" ||
          (type === "public" && !r.private) ||
          (type === "private" && r.private) ||
          !["public", "private"].includes(type),
      )
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id - b.id);
    return paginate(
      context,
      repos.map((r) => repository(context.sandbox, r, context.principal)),
    );
  });

  router.on("PATCH", "/repos/:owner/:repo", async (context) => {
    const repo = repoFor(context, "administration", "write");
    const { sandbox } = context;
    const body = bodyObject(context);
    const name = field<string>(body, "name", "string", { resource: "Repository" });
    const description = field<string>(body, "description", "string", {
      resource: "Repository",
      nullable: true,
    });
    const homepage = field<string>(body, "homepage", "string", {
      resource: "Repository",
      nullable: true,
    });
    const isPrivate = field<boolean>(body, "private", "boolean", { resource: "Repository" });
    const defaultBranch = field<string>(body, "default_branch", "string", {
      resource: "Repository",
    });
    const hasIssues = field<boolean>(body, "has_issues", "boolean", { resource: "Repository" });
    const archived = field<boolean>(body, "archived", "boolean", { resource: "Repository" });
    if (name !== undefined && name !== repo.name) {
      const problem = nameProblem(context, repo.ownerId, name, repo.id);
      if (problem) throw problem;
    }
    if (name !== undefined && name !== repo.name) {
      const target = path.join(path.dirname(repo.gitDir), `${name}.git`);
      await moveBareRepo(repo.gitDir, target);
      repo.gitDir = target;
      repo.name = name;
    }
    if (description !== undefined) repo.description = description;
    if (homepage !== undefined) repo.homepage = homepage;
    if (isPrivate !== undefined) repo.private = isPrivate;
    if (defaultBranch !== undefined) repo.defaultBranch = defaultBranch;
    if (hasIssues !== undefined) repo.hasIssues = hasIssues;
    if (archived !== undefined) repo.archived = archived;
    repo.updatedAt = timestamp();
    sandbox.store.putRepo(repo);
    return { status: 200, body: repository(sandbox, repo, context.principal) };
  });

  router.on("DELETE", "/repos/:owner/:repo", async (context) => {
    const repo = repoFor(context, "administration", "write");
    if (
      context.principal.kind === "user" &&
      userRole(context.sandbox.store, context.principal.userId, repo) !== "admin"
    ) {
      throw forbidden("Must have admin rights to Repository.");
    }
    context.sandbox.store.removeRepo(repo);
    await deleteBareRepo(repo.gitDir);
    return { status: 204 };
  });

  router.on("PUT", "/repos/:owner/:repo/collaborators/:username", (context) => {
    const repo = repoFor(context, "administration", "write");
    const user = context.sandbox.store.userByLogin(context.params.username ?? "");
    if (!user) throw notFound();
    const body = bodyObject(context);
    const permission =
      field<string>(body, "permission", "string", { resource: "Repository" }) ?? "push";
    const role = PERMISSION_ALIASES[permission];
    if (!role)
      throw validationFailed([{ resource: "Repository", field: "permission", code: "invalid" }]);
    repo.collaborators.set(user.id, role);
    return { status: 204 };
  });

  router.on(
    "GET",
    "/repos/:owner/:repo/collaborators/:username/permission",
    collaboratorPermission,
  );
  router.on("GET", "/repos/:owner/:repo/collaborators/:username", (context) => {
    const repo = repoFor(context, "metadata", "read");
    const user = context.sandbox.store.userByLogin(context.params.username ?? "");
    if (!user || userRole(context.sandbox.store, user.id, repo) === undefined) throw notFound();
    return { status: 204 };
  });
}
