import { AuditError } from '../errors.js';

/** One node of the tree `EXPLAIN AST` prints: its type, the rest of its line, and its children. */
export interface AstNode {
  type: string;
  /** What follows the type on the node's line: a name, a literal, `(alias …)`, `(children N)`. */
  detail: string;
  children: AstNode[];
}

const LINE = /^( *)([A-Za-z][A-Za-z0-9_]*(?:::[A-Za-z]+)?)(?: (.*))?$/;

/**
 * The tree of `EXPLAIN AST` text: one node a line, each child indented one space deeper than its parent. Text that
 * is not such a tree (a second root, a jump in depth, a line that is not a node) is refused: it is what a name
 * holding a line break would print, and such a name could disguise where a real node sits.
 */
export function parseAst(text: string): AstNode {
  const lines = text.split('\n');
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const stack: AstNode[] = [];
  let root: AstNode | null = null;
  for (const line of lines) {
    const match = LINE.exec(line);
    if (!match) throw unreadable(line);
    const depth = match[1]!.length;
    const node: AstNode = { type: match[2]!, detail: match[3] ?? '', children: [] };
    if (depth === 0) {
      if (root) throw unreadable(line);
      root = node;
    } else {
      const parent = stack[depth - 1];
      if (!parent || depth > stack.length) throw unreadable(line);
      parent.children.push(node);
    }
    stack.length = depth;
    stack.push(node);
  }
  if (!root) throw unreadable('');
  return root;
}

function unreadable(line: string): AuditError {
  return new AuditError('SLUICE_AUDIT_SQL_CLAUSE_NOT_ALLOWED', `the statement's parse tree cannot be checked (at ${JSON.stringify(line.slice(0, 80))})`);
}
