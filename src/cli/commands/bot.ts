import type { Command } from "commander";
import { loadDotenv } from "../../app/dotenv-file.ts";
import { BotConfigError, readBotSettings, startBot } from "../../app/start-bot.ts";
import { UsageError, type Output } from "../output.ts";

interface BotCliOptions {
  dotenv: string;
}

export function registerBot(program: Command, output: Output): void {
  program
    .command("bot")
    .description("run the Lancer GitHub App (Probot): seeds nothing, grades and pays on webhooks")
    .option("--dotenv <file>", "settings file (read when it exists)", ".env")
    .addHelpText(
      "after",
      [
        "",
        "Settings (environment or the env file):",
        "  APP_ID                       the GitHub App's id",
        "  PRIVATE_KEY | PRIVATE_KEY_PATH  its private key (PEM), inline (\\n escaped) or a file",
        "  WEBHOOK_SECRET               at least 32 characters; 'development' is refused",
        "  GITHUB_URL                   https://github.com (default), a GHES host or the sandbox",
        "  PORT, HOST                   where to listen (default 3000, 127.0.0.1)",
        "  LANCER_GRADER_REPO           the grader repository's name in each org (lancer-grader)",
        "",
        "Webhooks are received at http://HOST:PORT/api/github/webhooks. The app needs the",
        "permissions and events of app.yml.",
      ].join("\n"),
    )
    .action(async (options: BotCliOptions) => {
      let bot;
      let settings;
      try {
        loadDotenv(options.dotenv, process.env, (message) => new UsageError(message));
        settings = readBotSettings(process.env);
        bot = await startBot(settings);
      } catch (error) {
        if (error instanceof BotConfigError) throw new UsageError(error.message);
        throw error;
      }
      output.info(
        `Lancer app ${settings.appId} listening: ${bot.webhookUrl} (GitHub: ${settings.githubUrl})`,
      );
      // The server keeps the process alive; Ctrl-C ends it.
    });
}
