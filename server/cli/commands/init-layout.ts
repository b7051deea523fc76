// Where `journey init` puts each file of a new journeys repository: apart from the files' contents, so that the
// command's help can name them without loading the journey schema.
export const initLayout = {
  readme: 'README.md',
  schema: 'schemas/journey.schema.json',
  firstJourney: 'journeys/first-journey.journey.json',
  hook: '.githooks/pre-commit',
  workflow: '.github/workflows/journeys.yml',
} as const;
