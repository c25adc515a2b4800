/** A GraphQL-style global id, as GitHub puts in `node_id`: opaque, stable, unique per object. */
export function nodeId(type: string, id: number): string {
  return Buffer.from(`0:${type}${id}`).toString("base64url");
}
