/** Where GitHub's error bodies point; the sandbox uses the same documentation roots. */
export const REST_DOCS = "https://docs.github.com/rest";

export interface ValidationErrorItem {
  resource: string;
  /** Absent in GitHub's `custom` errors that concern no single field. */
  field?: string;
  code: "missing" | "missing_field" | "invalid" | "already_exists" | "unprocessable" | "custom";
  message?: string;
}

/** An error answered the way GitHub shapes it: `{ message, documentation_url, errors?, status }`. */
export class ApiError extends Error {
  override name = "ApiError";
  readonly status: number;
  readonly documentationUrl: string;
  readonly errors: ValidationErrorItem[] | undefined;
  readonly headers: Record<string, string>;

  constructor(
    status: number,
    message: string,
    options: {
      documentationUrl?: string;
      errors?: ValidationErrorItem[];
      headers?: Record<string, string>;
    } = {},
  ) {
    super(message);
    this.status = status;
    this.documentationUrl = options.documentationUrl ?? REST_DOCS;
    this.errors = options.errors;
    this.headers = options.headers ?? {};
  }

  body(): Record<string, unknown> {
    return {
      message: this.message,
      ...(this.errors ? { errors: this.errors } : {}),
      documentation_url: this.documentationUrl,
      status: String(this.status),
    };
  }
}

export const notFound = () => new ApiError(404, "Not Found");
export const badCredentials = () => new ApiError(401, "Bad credentials");
export const requiresAuthentication = () => new ApiError(401, "Requires authentication");
export const forbidden = (message = "Resource not accessible by integration") =>
  new ApiError(403, message);

/** 422 Validation Failed with one `errors` item per problem. */
export function validationFailed(
  errors: ValidationErrorItem[],
  message = "Validation Failed",
): ApiError {
  return new ApiError(422, message, { errors });
}
