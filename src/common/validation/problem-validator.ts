import { registerDecorator, ValidationArguments } from 'class-validator';

/** Names what is wrong with a value, or returns undefined when nothing is. */
export type ProblemOf = (value: unknown) => string | undefined;

/**
 * A validator from one function that runs its checks in order and names the
 * first failure, so the message says exactly why ("password must be at most
 * 72 bytes in UTF-8") and no later check sees a value an earlier one refused.
 */
export function validateWith(name: string, problemOf: ProblemOf): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    registerDecorator({
      name,
      target: target.constructor,
      propertyName: propertyName.toString(),
      validator: {
        validate: (value: unknown) => problemOf(value) === undefined,
        defaultMessage: (args?: ValidationArguments) => `${args?.property} ${problemOf(args?.value)}`,
      },
    });
  };
}
