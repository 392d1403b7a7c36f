import { ArgumentMetadata, Injectable, ValidationError, ValidationPipe } from '@nestjs/common';
import { getMetadataStorage } from 'class-validator';
import { DomainError, FieldError } from '../errors/domain-error';
import { canonicalNumber } from '../validation/decimal-integer.decorator';

function flatten(errors: ValidationError[], parentPath = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = parentPath ? `${parentPath}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

/** The properties a DTO declares a rule for: the only fields its body may have. */
export function declaredProperties(metatype: new (...args: never[]) => unknown): Set<string> {
  return new Set(
    getMetadataStorage()
      .getTargetValidationMetadatas(metatype, '', true, false)
      .map((rule) => rule.propertyName),
  );
}

/**
 * 400 VALIDATION_FAILED for a body that is not an object, or that has an own
 * key (Object.prototype's members included) outside `declared`, naming each.
 */
export function assertDeclaredFieldsOnly(body: unknown, declared: ReadonlySet<string>): asserts body is Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw DomainError.invalidFields([{ field: 'body', message: 'the body must be a JSON object' }]);
  }
  const unknown = Object.keys(body).filter((key) => !declared.has(key));
  if (unknown.length > 0)
    throw DomainError.invalidFields(unknown.map((field) => ({ field, message: `property ${field} should not exist` })));
}

/**
 * The global validation pipe: whitelisting DTOs, rejecting unknown fields, and
 * refusing a body that is not a JSON object (`[]`, `"x"`, `1`), which
 * class-validator would otherwise wave through as "nothing to check". Unknown
 * fields are found among the body's own keys before class-validator runs: its
 * whitelist looks fields up in a plain object, where `toString`,
 * `hasOwnProperty` and the other members of Object.prototype are always found.
 */
@Injectable()
export class RequestValidationPipe extends ValidationPipe {
  constructor() {
    super({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      forbidUnknownValues: true,
      stopAtFirstError: true,
      validationError: { target: false, value: false },
      exceptionFactory: (errors) => DomainError.invalidFields(flatten(errors)),
    });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' && metadata.metatype && this.toValidate(metadata)) {
      assertDeclaredFieldsOnly(value, declaredProperties(metadata.metatype));
    }
    return super.transform(value, metadata);
  }

  /**
   * A path or query value a handler types `number` becomes one only when it
   * is written in canonical decimal digits. Nest's own conversion (`+value`)
   * would read `0x10` as 16, `1e1` as 10 and ` 17` as 17 before the route's
   * own pipe saw them (this pipe runs first): `GET /admin/users/0x10` was
   * user 16. Anything else reaches that pipe (RowIdPipe, a DTO's checks) as sent, to be refused.
   */
  protected override transformPrimitive(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.metatype === Number && metadata.data) return canonicalNumber(value);
    return super.transformPrimitive(value, metadata);
  }
}
