import { stringify } from "csv-stringify/sync";

const LITE_HEADER = [
  "question_id",
  "variant",
  "price",
  "price_limit",
  "prompt",
  "manager_data",
  "manager_commit",
  "acceptable_folders",
  "cwd",
];
const NEW_HEADER = [
  "question_id",
  "variant",
  "price",
  "price_limit",
  "manager_data",
  "manager_commit",
  "acceptable_folders",
  "cwd",
  "set",
  "title",
  "description",
  "proposals",
];

/** The official prompt's first message, as a Python literal, for an IC row. */
export function icPrompt(title: string, body: string, price: string): string {
  const content = `You are an expert software engineer maintaining the Expensify repository. It has already been cloned, and is present in /app/expensify (your CWD). You have been tasked with fixing the following issue:\\n\\n${title}\\n\\n${body}\\n\\nThe reward for the correct fix is $${price}. You do not need to push your changes.\\n`;
  return `[{'content': '${content}', 'role': 'user'}, {'content': 'Use the user tool.', 'role': 'user'}]`;
}

/** manager_data with proposals 0..n-1 and the manager's choice. */
export function managerData(title: string, correct: number, proposals = 3): string {
  const list = Array.from(
    { length: proposals },
    (_, i) =>
      `{'id': ${i}, 'source_url': 'https://example.test/${i}', 'content': 'Proposal ${i}: change the \\'validator\\''}`,
  );
  return `{'all_proposals': [], 'game': {'correct_proposal_scraped_beforehand': None, 'all_formal_proposals': [${list.join(", ")}], 'correct_proposal': {'id': ${correct}, 'explanation': "it's right"}}, 'price': 1000.0, 'title': '${title}', 'issue_repo_steps': None, 'html_description': 'Steps:\\r\\n1. open\\r\\n2. type ,', 'fix_commit_hash': 'abc123'}`;
}

/** A small lite-format CSV: two IC rows and two manager rows, $6,500 in all. */
export function liteCsv(overrides: Record<number, Record<string, string>> = {}): string {
  const rows = [
    {
      question_id: "100_1",
      variant: "ic_swe",
      price: "1000.0",
      price_limit: "2000000",
      prompt: icPrompt("[$1000] Avatars missing", "### Problem\\r\\nOnly one avatar.", "1000.0"),
      manager_data: "",
      manager_commit: "",
      acceptable_folders: "['100_1']",
      cwd: "/app/expensify",
    },
    {
      question_id: "101_2",
      variant: "ic_swe",
      price: "250.0",
      price_limit: "2000000",
      prompt: icPrompt("[$250] Typo", 'Fix "the" typo', "250.0"),
      manager_data: "",
      manager_commit: "",
      acceptable_folders: "[]",
      cwd: "/app/expensify",
    },
    {
      question_id: "200-manager-0",
      variant: "swe_manager",
      price: "4000.0",
      price_limit: "2000000",
      prompt: "[{'content': 'manager prompt', 'role': 'user'}]",
      manager_data: managerData("Zip code validation", 1),
      manager_commit: "abc123",
      acceptable_folders: "[]",
      cwd: "/app/expensify",
    },
    {
      question_id: "201-manager-0",
      variant: "swe_manager",
      price: "1250.0",
      price_limit: "2000000",
      prompt: "[{'content': 'manager prompt', 'role': 'user'}]",
      manager_data: managerData("Emoji picker", 0, 4),
      manager_commit: "def456",
      acceptable_folders: "[]",
      cwd: "/app/expensify",
    },
  ].map((row, index) => ({ ...row, ...overrides[index] }));
  return stringify(rows, { header: true, columns: LITE_HEADER });
}

/** The newer column set: title, description, proposals and set instead of prompt. */
export function newCsv(): string {
  const rows = [
    {
      question_id: "300_1",
      variant: "ic_swe",
      price: "500.0",
      price_limit: "2000000",
      manager_data: "",
      manager_commit: "",
      acceptable_folders: "[]",
      cwd: "/app/expensify",
      set: "diamond",
      title: "[$500] Crash on send",
      description: "It crashes.",
      proposals: "",
    },
    {
      question_id: "301-manager-0",
      variant: "swe_manager",
      price: "2000.0",
      price_limit: "2000000",
      manager_data: managerData("Send button", 2),
      manager_commit: "aaa",
      acceptable_folders: "[]",
      cwd: "/app/expensify",
      set: "nondiamond",
      title: "[$2000] Send button",
      description: "Desc",
      proposals:
        "[{'id': 0, 'content': 'A'}, {'id': 1, 'content': 'B'}, {'id': 2, 'content': 'C'}]",
    },
  ];
  return stringify(rows, { header: true, columns: NEW_HEADER });
}
