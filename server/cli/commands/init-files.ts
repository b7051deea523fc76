// The files `journey init` writes into a new journeys repository: README, schema, a first journey, hook and CI.
import { formatJourney } from '../../../schemas/format.ts';
import { journeyJsonSchemaText } from '../../../schemas/json-schema.ts';
import { journeySchemaPath } from '../../routes/schemas.ts';
import { initLayout } from './init-layout.ts';

/**
 * The same layout as this repository's (journeys/ beside schemas/), so that `"$schema": "../schemas/journey.schema.json"`,
 * which the editor's exports and `journey pull` write, resolves in the new repository too.
 */

/** A journey with no errors and no warnings: a text to everyone on the list the gate lets through. */
const firstJourney = {
  $schema: '../schemas/journey.schema.json',
  schemaVersion: 1,
  id: 'first-journey',
  name: 'First journey',
  description: 'A text to each customer on the list whom the rules allow to be texted. Change it in the editor or here.',
  settings: { timezone: 'America/New_York', compliance: 'US', helpContact: 'call 202-555-0143' },
  nodes: {
    start: { type: 'start', position: { x: 0, y: 0 }, config: { audience: { list: 'customers' } }, next: { out: 'sms-gate' } },
    'sms-gate': {
      type: 'compliance-gate',
      position: { x: 240, y: 0 },
      config: { channel: 'sms' },
      next: { allowed: 'welcome', blocked: 'done' },
    },
    welcome: {
      type: 'sms',
      position: { x: 480, y: 0 },
      config: { body: 'Hi {{ contact.firstName }}, thanks for being with us. Reply STOP to opt out.' },
      next: { sent: 'done', failed: 'done' },
    },
    done: { type: 'end', position: { x: 720, y: 0 }, config: { outcome: 'completed' } },
  },
};

function readme(): string {
  return `# Journeys

Outbound journeys kept in git: each \`journeys/*.journey.json\` is one journey, in the canonical form the journey
builder's editor saves and \`journey fmt\` writes, so that a change reads as a small diff.

## Set up

- **The \`journey\` command.** In a checkout of the journey builder, \`npm install && npm link\` puts \`journey\` on your
  PATH. Or set \`JOURNEY\` to the command, e.g. \`JOURNEY="node ~/journey-builder/server/bin/journey.mjs"\`.
- **The pre-commit hook** (\`${initLayout.hook}\`) checks the staged journeys with \`journey validate\` and
  \`journey fmt --check\`. \`journey init\` turned it on here; in a fresh clone, run \`git config core.hooksPath .githooks\`.
- **CI** (\`${initLayout.workflow}\`) runs the same checks on every push and pull request. It checks out the journey
  builder to get the command: set the repository variable \`JOURNEY_BUILDER_REPOSITORY\` to its \`owner/name\` on GitHub
  (Settings, Secrets and variables, Actions, Variables), and \`JOURNEY_BUILDER_REF\` to a tag or branch to pin one.
- **VS Code** checks each journey as you type and offers the fields of each step, through the \`$schema\` line at the
  top of the file: \`../${initLayout.schema}\` is the copy in this repository. A journey builder server also serves the
  schema at \`https://YOUR-SERVER${journeySchemaPath}\`, which \`$schema\` may name instead. After the builder
  is updated, copy its \`schemas/journey.schema.json\` here again.

## Everyday use

\`\`\`sh
journey validate journeys/*.journey.json       # problems as FILE: <path> (node <id>): <message>
journey fmt journeys/*.journey.json            # rewrite in canonical form
journey diff old.journey.json new.journey.json # what changed, in the journey's own terms
journey pull ID --out journeys/ID.journey.json # a journey from the server (JOURNEY_SERVER, JOURNEY_TOKEN)
journey push journeys/ID.journey.json          # a journey to the server; --publish to publish it
\`\`\`

To review a change: \`git show main:journeys/x.journey.json > /tmp/old.json && journey diff /tmp/old.json journeys/x.journey.json\`.
`;
}

const hook = `#!/bin/sh
# Checks the journeys staged for this commit: journey validate, then journey fmt --check. Written by journey init.
# The command is $JOURNEY when set (e.g. JOURNEY="node ~/journey-builder/server/bin/journey.mjs"), else journey.
set -eu
journey=\${JOURNEY:-journey}
list=$(mktemp)
copies=$(mktemp -d)
trap 'rm -rf "$list" "$copies"' EXIT
git diff --cached -z --name-only --diff-filter=ACMR -- '*.journey.json' >"$list"
[ -s "$list" ] || exit 0
if ! command -v "\${journey%% *}" >/dev/null 2>&1; then
  echo "pre-commit: the journey command was not found: run npm link in the journey builder, or set JOURNEY (see README.md)" >&2
  exit 1
fi
# What is checked is what will be committed: the staged copies, not the files in the working folder.
xargs -0 git checkout-index --prefix="$copies/" -- <"$list"
status=0
(cd "$copies" && xargs -0 $journey validate <"$list") || status=1
(cd "$copies" && xargs -0 $journey fmt --check <"$list") || status=1
if [ "$status" -ne 0 ]; then
  echo "pre-commit: fix the journeys above (journey fmt FILE writes one in canonical form), stage them and commit again" >&2
fi
exit "$status"
`;

const workflow = `# Checks every journey on each push and pull request: journey validate, then journey fmt --check.
# Written by journey init. The journey command comes from a checkout of the journey builder: set the repository
# variable JOURNEY_BUILDER_REPOSITORY to its owner/name (and JOURNEY_BUILDER_REF to pin a tag or branch).
name: journeys
on:
  push:
  pull_request:
jobs:
  check:
    runs-on: ubuntu-latest
    steps:
      - name: Say where the journey builder is
        if: vars.JOURNEY_BUILDER_REPOSITORY == ''
        run: |
          echo "::error::Set the repository variable JOURNEY_BUILDER_REPOSITORY to the journey builder's owner/name (Settings, Secrets and variables, Actions, Variables)"
          exit 1
      - uses: actions/checkout@v4
      - uses: actions/checkout@v4
        with:
          repository: \${{ vars.JOURNEY_BUILDER_REPOSITORY }}
          ref: \${{ vars.JOURNEY_BUILDER_REF }}
          path: .journey-builder
      - uses: actions/setup-node@v4
        with:
          node-version: 20
      - name: Install the journey command
        run: npm ci && npm link
        working-directory: .journey-builder
      - name: Validate the journeys
        run: journey validate journeys/*.journey.json
      - name: Check that they are in canonical form
        run: journey fmt --check journeys/*.journey.json
`;

/** Each file by its path in the new repository, and whether it must be executable. */
export function initFiles(): { path: string; text: string; executable?: true }[] {
  return [
    { path: initLayout.readme, text: readme() },
    { path: initLayout.schema, text: journeyJsonSchemaText() },
    { path: initLayout.firstJourney, text: formatJourney(firstJourney) },
    { path: initLayout.hook, text: hook, executable: true },
    { path: initLayout.workflow, text: workflow },
  ];
}
